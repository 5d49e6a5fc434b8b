import assert from "node:assert/strict";
import { png } from "./_image_fixtures.ts";
import { Thumbnailer } from "./thumbnailer.ts";
import { setLogSink } from "../log.ts";

const BOX = { width: 720, height: 480 };

Deno.test("Thumbnailer draws on its worker, and answers null for what it cannot draw", async () => {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  const thumbnailer = new Thumbnailer({ idleMs: 50 });
  try {
    const drawn = await thumbnailer.render(png(1440, 960), BOX);
    assert.deepEqual([drawn?.width, drawn?.height], [720, 480]);
    assert.equal(
      await thumbnailer.render(new Uint8Array([1, 2, 3]), BOX),
      null,
    );
    assert.match(lines.join("\n"), /no thumbnail/);
    // A fresh worker after the failure.
    const again = await thumbnailer.render(png(100, 50), BOX);
    assert.deepEqual([again?.width, again?.height], [100, 50]);
  } finally {
    thumbnailer.close();
    setLogSink(previous);
  }
});

Deno.test("Thumbnailer gives up on a job past its deadline and refuses a full queue", async () => {
  const previous = setLogSink(() => {});
  const thumbnailer = new Thumbnailer({ timeoutMs: 1, maxQueued: 1 });
  try {
    const big = png(3000, 2000);
    const first = thumbnailer.render(big.slice(), BOX);
    const second = thumbnailer.render(big.slice(), BOX);
    // The queue holds one job; this one is refused at once.
    assert.equal(await thumbnailer.render(big.slice(), BOX), null);
    assert.equal(await first, null);
    assert.equal(await second, null);
  } finally {
    thumbnailer.close();
    setLogSink(previous);
  }
});

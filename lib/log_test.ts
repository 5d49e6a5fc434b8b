import assert from "node:assert/strict";
import { waitFor } from "../tests/helpers/deadline.ts";
import { FLUSH_BYTES, FLUSH_MS, flushLogs, log } from "./log.ts";

// Captures what the default sink writes to the console.
async function captured(body: (writes: string[]) => Promise<void>) {
  const writes: string[] = [];
  const original = console.log;
  console.log = (text: string) => void writes.push(text);
  try {
    await body(writes);
  } finally {
    flushLogs();
    console.log = original;
  }
}

Deno.test("log lines of one turn go out in one write, a moment later", async () => {
  await captured(async (writes) => {
    log("info", "one");
    await new Promise((resolve) => setTimeout(resolve, 0));
    log("info", "two");
    // Later turns within FLUSH_MS join the same write.
    assert.equal(writes.length, 0);
    await waitFor(() => writes.length > 0, {
      what: "the batched write",
      timeoutMs: 2000,
    });
    assert.equal(writes.length, 1);
    const lines = writes[0].split("\n").map((line) => JSON.parse(line).msg);
    assert.deepEqual(lines, ["one", "two"]);
  });
});

Deno.test("a warning or error goes at once, after the lines held before it", async () => {
  await captured(async (writes) => {
    log("info", "before");
    log("error", "broken");
    assert.equal(writes.length, 1);
    const lines = writes[0].split("\n").map((line) => JSON.parse(line).msg);
    assert.deepEqual(lines, ["before", "broken"]);
    await Promise.resolve();
  });
});

Deno.test("held-back lines go out at once when they pass FLUSH_BYTES, and FLUSH_MS after the first otherwise", async () => {
  await captured(async (writes) => {
    const fields = { pad: "x".repeat(1000) };
    // Each line is a little over 1,000 bytes: the write comes at the line
    // that passes FLUSH_BYTES, in the same turn.
    let logged = 0;
    while (writes.length === 0 && logged < FLUSH_BYTES / 1000) {
      log("info", `line ${logged++}`, fields);
    }
    assert.equal(writes.length, 1);
    assert.equal(writes[0].split("\n").length, logged);
    const started = performance.now();
    log("info", "late");
    await waitFor(() => writes.length === 2, {
      what: "the timed write",
      timeoutMs: 2000,
    });
    assert.ok(performance.now() - started >= FLUSH_MS - 1);
  });
});

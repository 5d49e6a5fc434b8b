import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sleep } from "../../tests/helpers/deadline.ts";
import { watchAccepts } from "./accept_watchdog.ts";

Deno.test("the accept watchdog leaves a healthy idle listener alone, however fast the listener takes its probes", async () => {
  const server = http.createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: "127.0.0.1" }, resolve)
  );
  const { port } = server.address() as AddressInfo;
  let relistens = 0;
  server.on("listening", () => relistens++);
  const stop = watchAccepts(
    server,
    { port, host: "127.0.0.1", backlog: 511 },
    100,
    { everyMs: 20, timeoutMs: 100, misses: 2 },
  );
  try {
    // Many probes: each taken by the listener, most before the probe has its
    // own port in hand.
    await sleep(1500);
    assert.equal(relistens, 0, "the listener was closed and opened again");
    const res = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await res.text(), "ok");
  } finally {
    stop();
    await new Promise((resolve) => server.close(resolve));
  }
});

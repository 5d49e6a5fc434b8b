import assert from "node:assert/strict";
import { startTestServer } from "../tests/helpers/server.ts";
import { printLog } from "../tests/helpers/server_log.ts";
import { setLogSink } from "./log.ts";

/** Runs `body` with log lines captured, printing them if it fails. */
async function capturingLogs(
  body: (lines: string[]) => Promise<void>,
): Promise<void> {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    await body(lines);
  } catch (error) {
    printLog("the server", lines);
    throw error;
  } finally {
    setLogSink(previous);
  }
}

Deno.test("startServer() prints a URL that answers /healthz", async () => {
  await capturingLogs(async () => {
    const server = await startTestServer();
    try {
      assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
      const res = await fetch(new URL("healthz", server.url));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.deepEqual(await res.json(), { ok: true });
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test({
  name: "startServer() releases what it opened when the port is taken",
  // Off by default in Deno 2: they are what notices KV or timers left behind.
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await capturingLogs(async () => {
    await assert.rejects(
      startTestServer(["--port", String(taken.addr.port)]),
      Deno.errors.AddrInUse,
    );
    // Give anything left running time to show up for the sanitizers.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

Deno.test("RunningServer.shutdown() lets in-flight requests finish with KV open", async () => {
  await capturingLogs(async (lines) => {
    const server = await startTestServer();
    const statuses = Array.from(
      { length: 100 },
      () =>
        fetch(new URL("healthz", server.url)).then(
          async (res) => {
            await res.body?.cancel();
            return res.status;
          },
          () => "refused",
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.shutdown();
    const settled = await Promise.all(statuses);
    // Every request either completed or was never accepted; none hit a closed KV.
    assert.deepEqual(
      settled.filter((status) => status !== 200 && status !== "refused"),
      [],
      lines.filter((line) => line.includes('"error"')).join("\n"),
    );
    await server.shutdown(); // a second call is harmless
  });
});

import assert from "node:assert/strict";
import { withDeadline } from "../../tests/helpers/deadline.ts";
import { type HttpServer, serveHttp } from "../http/serve.ts";

const limits = {
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  perAddress: 0,
};
// No watchdog probes during these tests: they would take connections too.
const watchdog = { everyMs: 3_600_000, timeoutMs: 1000, misses: 3 };

/** Asks `/` on a connection of its own; the body, or null when the server closed it unanswered. */
async function askFresh(port: number): Promise<string | null> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\n\r\n"),
    ).catch(() => 0);
    let text = "";
    const buffer = new Uint8Array(4096);
    while (!/\r\n\r\n[\s\S]+$/.test(text)) {
      const n = await withDeadline(
        conn.read(buffer).catch(() => null),
        5000,
        "an answer or a close",
      );
      if (n === null) return null;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return text.split("\r\n\r\n")[1];
  } finally {
    conn.close();
  }
}

Deno.test("servers with share 2 listen on one port together (reusePort), and the kernel spreads connections over both", async () => {
  const first = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits, share: 2, watchdog },
    () => Promise.resolve(new Response("first")),
  );
  let second: HttpServer | undefined;
  try {
    second = await serveHttp(
      {
        port: first.addr.port,
        hostname: "127.0.0.1",
        limits,
        share: 2,
        watchdog,
      },
      () => Promise.resolve(new Response("second")),
    );
    const seen = new Set<string | null>();
    for (let i = 0; i < 64 && seen.size < 2; i++) {
      seen.add(await askFresh(first.addr.port));
    }
    assert.deepEqual([...seen].sort(), ["first", "second"]);
  } finally {
    await second?.shutdown(0);
    await first.shutdown(0);
  }
});

Deno.test("a server with share 2 keeps half of the descriptor budget", async () => {
  // 184 descriptors: alone, 97 connections; as one of two, 92: 92 - 64
  // reserved - 11 backlog = 17 (connection_guard.ts).
  const held: Deno.TcpConn[] = [];
  const server = await serveHttp(
    {
      port: 0,
      hostname: "127.0.0.1",
      limits,
      descriptorLimit: 184,
      share: 2,
      watchdog,
    },
    () => Promise.resolve(new Response("ok")),
  );
  try {
    // Connections held open (each answered once, kept alive), then one more.
    for (let i = 0; i < 30; i++) {
      held.push(
        await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }),
      );
    }
    const answered = await Promise.all(held.map(async (conn) => {
      await conn.write(
        new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\n\r\n"),
      ).catch(() => 0);
      const n = await withDeadline(
        conn.read(new Uint8Array(1024)).catch(() => null),
        5000,
        "an answer or a close",
      );
      return n !== null;
    }));
    assert.equal(answered.filter(Boolean).length, 17);
  } finally {
    for (const conn of held) {
      try {
        conn.close();
      } catch {
        // Closed by the server.
      }
    }
    await server.shutdown(0);
  }
});

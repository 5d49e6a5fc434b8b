/**
 * Connection floods: idle connections past the descriptor limit do not kill
 * or wedge the server, one address cannot hold more than its share, and a
 * request head trickled in or a body that stalls is cut off.
 */
import assert from "node:assert/strict";
import { withHearth } from "../helpers/api.ts";
import { withDeadline } from "../helpers/deadline.ts";
import { lines } from "../helpers/process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function connect(port: number): Promise<Deno.TcpConn> {
  return await Deno.connect({ hostname: "127.0.0.1", port });
}

// Resolves when the server ends the connection (EOF or reset), with what it sent.
async function endOf(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(4096);
  let got = "";
  try {
    for (let n; (n = await conn.read(buf)) !== null;) {
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch {
    // A reset ends it too.
  }
  return got;
}

async function healthz(base: string): Promise<number> {
  const res = await fetch(`${base}/healthz`, {
    signal: AbortSignal.timeout(5000),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("300 idle connections under ulimit -n 256 leave the server alive, and it answers once they close", async () => {
  const child = new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -n 256 && exec "$0" run -A main.ts --port 0 --host 127.0.0.1 --db :memory: --max-conns-per-address 0`,
      Deno.execPath(),
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const output = lines(child.stdout);
  const conns: Deno.TcpConn[] = [];
  try {
    let base = "";
    await withDeadline(
      (async () => {
        for await (const line of output) {
          const match = line.match(/Hearth is running: open (http:\/\/\S+)\//);
          if (match) return void (base = match[1]);
        }
      })(),
      60_000,
      "Hearth starting under ulimit -n 256",
    );
    const port = Number(new URL(base).port);
    for (let i = 0; i < 300; i++) conns.push(await connect(port));
    // Time for the server to accept (and refuse) them all.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const conn of conns) conn.close();
    conns.length = 0;
    const started = performance.now();
    assert.equal(await healthz(base), 200);
    assert.ok(performance.now() - started < 2000, "slow to answer after");
    // Still running: a status would mean it exited.
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 100)),
    ]);
    assert.equal(exited, false);
  } finally {
    for (const conn of conns) conn.close();
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

Deno.test("one address gets --max-conns-per-address connections; the next is closed at once", async () => {
  await withHearth(async ({ base, port }) => {
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await connect(port));
    try {
      const extra = await connect(port);
      await withDeadline(endOf(extra), 2000, "the extra connection closing");
      extra.close();
    } finally {
      for (const conn of held) conn.close();
    }
    // Their closing frees the address's share.
    await withDeadline(
      (async () => {
        while (true) {
          try {
            if (await healthz(base) === 200) return;
          } catch { /* not yet */ }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
      5000,
      "the address being served again",
    );
  }, ["--max-conns-per-address", "4"]);
});

Deno.test("a request head trickled one byte at a time is closed after --header-timeout", async () => {
  await withHearth(async ({ port }) => {
    const conn = await connect(port);
    const head = new TextEncoder().encode(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100),
    );
    let stop = false;
    const trickle = (async () => {
      for (let i = 0; i < head.length && !stop; i++) {
        try {
          await conn.write(head.subarray(i, i + 1));
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      const started = performance.now();
      const answer = await withDeadline(endOf(conn), 5000, "the cut-off");
      const ms = performance.now() - started;
      assert.ok(ms >= 900, `closed after ${ms} ms, before the timeout`);
      assert.match(answer, /^$|^HTTP\/1\.1 408/);
    } finally {
      stop = true;
      await trickle;
      conn.close();
    }
  }, ["--header-timeout", "1"]);
});

Deno.test("an upload body that stalls is closed after --idle-timeout", async () => {
  await withHearth(async ({ port }) => {
    const conn = await connect(port);
    try {
      await conn.write(new TextEncoder().encode(
        'POST /auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"user',
      ));
      const started = performance.now();
      await withDeadline(endOf(conn), 5000, "the stalled body's cut-off");
      assert.ok(performance.now() - started >= 900);
    } finally {
      conn.close();
    }
  }, ["--idle-timeout", "1"]);
});

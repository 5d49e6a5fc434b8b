import assert from "node:assert/strict";
import { sleep, withDeadline } from "../../tests/helpers/deadline.ts";
import { withKnownBody } from "./known_body.ts";
import { serveHttp } from "./serve.ts";

const limits = {
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  perAddress: 0,
};

/** Sends `head` on a fresh connection and reads until the answer's head ends. */
async function ask(port: number, head: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  let text = "";
  const buffer = new Uint8Array(4096);
  while (!text.includes("\r\n\r\n")) {
    const n = await withDeadline(conn.read(buffer), 5000, "the answer");
    assert.notEqual(n, null, "the server hung up before answering");
    text += new TextDecoder().decode(buffer.subarray(0, n!));
  }
  return conn;
}

Deno.test("an upgrade answered without a socket is let go even when the client stays connected", async () => {
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits },
    () => Promise.resolve(new Response("no socket here", { status: 426 })),
  );
  const conn = await ask(
    server.addr.port,
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  );
  try {
    // The grace time is far longer than the deadline: only a connection the
    // server itself let go of after its answer can end in time.
    await withDeadline(server.shutdown(60_000), 4000, "shutdown");
  } finally {
    conn.close();
  }
});

Deno.test("shutdown closes an idle kept-alive connection at once", async () => {
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits },
    () => Promise.resolve(new Response("ok")),
  );
  const conn = await ask(server.addr.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  try {
    await withDeadline(server.shutdown(60_000), 4000, "shutdown");
  } finally {
    conn.close();
  }
});

Deno.test("shutdown cuts an upgraded connection still open when the grace time ends", async () => {
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits },
    () => Promise.resolve(new Response("no socket here", { status: 426 })),
  );
  const conn = await ask(
    server.addr.port,
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  );
  try {
    await withDeadline(server.shutdown(200), 1000, "shutdown");
  } finally {
    conn.close();
  }
});

Deno.test("a body whose bytes are known is sent whole without reading the Response's stream", async () => {
  const bytes = new TextEncoder().encode('{"page":"of messages"}');
  let pulled = false;
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits },
    () => {
      // The stream would fail if read: only the known bytes can reach the client.
      const body = new ReadableStream({
        pull(controller) {
          pulled = true;
          controller.error(new Error("the stream was read"));
        },
      }, { highWaterMark: 0 });
      return Promise.resolve(withKnownBody(
        new Response(body, {
          headers: { "content-type": "application/json", "set-cookie": "a=1" },
        }),
        bytes,
      ));
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const res = await withDeadline(fetch(url), 5000, "the answer");
    assert.equal(res.headers.get("content-length"), String(bytes.byteLength));
    assert.equal(res.headers.get("set-cookie"), "a=1");
    assert.deepEqual(await res.bytes(), bytes);
    const head = await withDeadline(
      fetch(url, { method: "HEAD" }),
      5000,
      "the HEAD answer",
    );
    assert.equal(head.status, 200);
    assert.deepEqual(await head.bytes(), new Uint8Array());
    assert.equal(pulled, false);
  } finally {
    await server.shutdown(100);
  }
});

/** Opens a connection and sends a WebSocket upgrade head for `path`, not waiting for an answer. */
async function sendUpgrade(port: number, path: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
    ),
  );
  return conn;
}

/**
 * A handler whose answers to upgrades wait until `answer(path)` (other
 * requests are answered at once); `seen` lists the upgrades it was asked for.
 */
function heldHandler() {
  const seen: string[] = [];
  const waiting = new Map<string, () => void>();
  const arrivals: (() => void)[] = [];
  return {
    seen,
    handler: (req: Request) => {
      if (!req.headers.has("upgrade")) {
        return Promise.resolve(new Response("ok"));
      }
      const path = new URL(req.url).pathname;
      seen.push(path);
      arrivals.splice(0).forEach((wake) => wake());
      return new Promise<Response>((resolve) =>
        waiting.set(
          path,
          () => resolve(new Response("no socket here", { status: 426 })),
        )
      );
    },
    answer(path: string) {
      waiting.get(path)!();
    },
    /** Resolves once the handler has been asked for `count` paths in all. */
    async until(count: number) {
      while (seen.length < count) {
        await withDeadline(
          new Promise<void>((wake) => arrivals.push(wake)),
          5000,
          `request ${count}`,
        );
      }
    },
  };
}

Deno.test("socket handshakes past upgradesAtOnce wait until a checked one is answered", async () => {
  const held = heldHandler();
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits, upgradesAtOnce: 2 },
    held.handler,
  );
  const conns: Deno.TcpConn[] = [];
  try {
    for (const path of ["/a", "/b", "/c", "/d"]) {
      conns.push(await sendUpgrade(server.addr.port, path));
    }
    await held.until(2);
    // A request that is not an upgrade takes no turn and waits for none.
    const plain = await ask(
      server.addr.port,
      "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    plain.close();
    assert.equal(held.seen.length, 2);
    held.answer(held.seen[0]);
    await held.until(3);
    assert.equal(held.seen.length, 3);
    held.answer(held.seen[1]);
    await held.until(4);
    assert.deepEqual(held.seen.toSorted(), ["/a", "/b", "/c", "/d"]);
    for (const path of held.seen.slice(2)) held.answer(path);
  } finally {
    conns.forEach((conn) => conn.close());
    await server.shutdown(100);
  }
});

Deno.test("a client sending its head slowly holds no handshake turn", async () => {
  const held = heldHandler();
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits, upgradesAtOnce: 1 },
    held.handler,
  );
  const slow = await Deno.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
  });
  let conn: Deno.TcpConn | undefined;
  try {
    await slow.write(
      new TextEncoder().encode(
        "GET /slow HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n",
      ),
    );
    conn = await sendUpgrade(server.addr.port, "/whole");
    await held.until(1);
    assert.deepEqual(held.seen, ["/whole"]);
    held.answer("/whole");
  } finally {
    slow.close();
    conn?.close();
    await server.shutdown(100);
  }
});

Deno.test("a handshake still waiting for its turn at shutdown is never checked", async () => {
  const held = heldHandler();
  const server = await serveHttp(
    { port: 0, hostname: "127.0.0.1", limits, upgradesAtOnce: 1 },
    held.handler,
  );
  const first = await sendUpgrade(server.addr.port, "/first");
  await held.until(1);
  const second = await sendUpgrade(server.addr.port, "/second");
  try {
    // The grace time ends with both connections cut; the first one's answer
    // then frees the turn the second was waiting for.
    await withDeadline(server.shutdown(100), 4000, "shutdown");
    held.answer("/first");
    await sleep(50);
    assert.deepEqual(held.seen, ["/first"]);
  } finally {
    first.close();
    second.close();
  }
});

import assert from "node:assert/strict";
import { withDeadline } from "../../tests/helpers/deadline.ts";
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

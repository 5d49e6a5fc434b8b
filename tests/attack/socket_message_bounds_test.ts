/**
 * One WebSocket cannot make the server hold more than a message's worth of
 * memory: a text message sent as endless 1 MiB fragments without FIN, or one
 * frame announcing 60 MiB, is closed with 1009 once it passes 16 KiB, and the
 * server stops reading. Unmasked client frames are refused (RFC 6455 5.1).
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  rawHandshake,
  type RawSocket,
  readFrame,
  readUntilClose,
  signUp,
  socketUrl,
  withHearth,
} from "../helpers/api.ts";
import { withDeadline } from "../helpers/deadline.ts";

const MIB = 1024 * 1024;

// A client frame header: FIN bit, opcode, 64-bit length, and a mask key when masked.
function frameHead(
  opcode: number,
  fin: boolean,
  length: number,
  masked: boolean,
): Uint8Array {
  const head = [(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | 127];
  for (let shift = 56; shift >= 0; shift -= 8) {
    head.push(shift >= 32 ? 0 : (length >>> shift) & 0xff);
  }
  if (masked) head.push(1, 2, 3, 4);
  return new Uint8Array(head);
}

// Writes until `limit` bytes are out or the server stops taking them; returns what went out.
async function pour(
  conn: Deno.Conn,
  chunks: () => Uint8Array,
  limit: number,
): Promise<number> {
  let sent = 0;
  try {
    while (sent < limit) sent += await conn.write(chunks());
  } catch {
    // Reset or broken pipe: the server hung up, which is the point.
  }
  return sent;
}

async function openSocket(base: string): Promise<RawSocket> {
  const { api } = await signUp(base);
  const channel = await createChannel(api);
  const raw = await rawHandshake(socketUrl(base, channel.id, api.token));
  assert.equal(raw.status, 101);
  assert.match((await readFrame(raw))?.text ?? "", /"ready"/);
  return raw;
}

Deno.test("a text message sent as endless 1 MiB fragments is closed with 1009 and not buffered", async () => {
  await withHearth(async ({ base }) => {
    const raw = await openSocket(base);
    try {
      const rssBefore = Deno.memoryUsage().rss;
      const fragment = new Uint8Array(MIB + 14);
      let first = true;
      const closing = readUntilClose(raw, 20_000);
      const sent = await pour(raw.conn, () => {
        // One text frame without FIN, then continuation frames without FIN.
        fragment.set(frameHead(first ? 1 : 0, false, MIB, true));
        first = false;
        return fragment;
      }, 256 * MIB);
      assert.equal(await closing, 1009);
      // What went out before the hang-up is what the kernels' buffers hold.
      assert.ok(sent < 64 * MIB, `the server took ${sent / MIB} MiB`);
      const grown = (Deno.memoryUsage().rss - rssBefore) / MIB;
      assert.ok(grown < 48, `the process grew by ${grown.toFixed(0)} MiB`);
    } finally {
      raw.conn.close();
    }
  });
});

Deno.test("a frame announcing 60 MiB is closed with 1009 before its payload is read", async () => {
  await withHearth(async ({ base }) => {
    const raw = await openSocket(base);
    try {
      const closing = readUntilClose(raw, 20_000);
      const body = new Uint8Array(MIB);
      let first = true;
      const sent = await pour(raw.conn, () => {
        if (!first) return body;
        first = false;
        return frameHead(1, true, 60 * MIB, true);
      }, 60 * MIB);
      assert.equal(await closing, 1009);
      assert.ok(sent < 60 * MIB, "the server read the whole frame");
    } finally {
      raw.conn.close();
    }
  });
});

Deno.test("an unmasked client frame is refused with 1002", async () => {
  await withHearth(async ({ base }) => {
    const raw = await openSocket(base);
    try {
      const text = new TextEncoder().encode(`{"type":"typing"}`);
      const frame = new Uint8Array(2 + text.length);
      frame.set([0x81, text.length]);
      frame.set(text, 2);
      await raw.conn.write(frame);
      assert.equal(await readUntilClose(raw, 10_000), 1002);
    } finally {
      raw.conn.close();
    }
  });
});

Deno.test("a browser client that sends a frame far over the limit sees a clean 1009, every time", async () => {
  await withHearth(async ({ base }) => {
    const { api, token } = await signUp(base);
    const channel = await createChannel(api);
    // Most of this frame is still unread when the server refuses it: the close
    // frame must reach the client, not be lost to a reset of the connection.
    const tooBig = new Uint8Array(180_000);
    for (let i = 0; i < 20; i++) {
      const socket = await FrameSocket.open(base, channel.id, token);
      await socket.next("ready");
      // Frames the server answers with errors are still being answered.
      for (let j = 0; j < 5; j++) socket.send(`{"type":"nonsense"}`);
      socket.send(
        JSON.stringify({ type: "message", content: "hi", clientId: `m${i}` }),
      );
      socket.send(tooBig);
      const closed = await withDeadline(socket.closed, 10_000, "the close");
      assert.equal(closed.code, 1009, `attempt ${i}: ${closed.code}`);
    }
  });
});

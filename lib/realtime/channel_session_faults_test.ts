import { setLogSink } from "../log.ts";
import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../../tests/helpers/deadline.ts";
import { RawWebSocketClient } from "./_raw_client_test_helper.ts";
import {
  delay,
  lastMessageSeq,
  MemoryStore,
  post,
  range,
  startServer,
  TestClient,
} from "./_test_helpers.ts";
import type { ClientFrame } from "../shared/wire.ts";
import { Hub } from "./hub.ts";

Deno.test("ChannelSession answers bad frames with error frames and stays open", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  const received: ClientFrame[] = [];
  const server = await startServer(hub, store, {
    onClientFrame: (frame) => {
      received.push(frame);
      return Promise.resolve();
    },
  });
  const client = await TestClient.connect(server.url);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    client.send("{not json");
    client.send(`{"type":"shout"}`);
    client.send(`{"type":"message","content":"  ","clientId":"c1"}`);
    client.send(new Uint8Array([1, 2, 3]));
    await client.waitFor((f) => f.length === 5, "four error frames");
    assert.deepEqual(
      client.frames.slice(1).map((f) => f.type === "error" && f.code),
      [
        "invalid_json",
        "unknown_frame_type",
        "validation_failed",
        "binary_not_supported",
      ],
    );
    client.send(`{"type":"message","content":" hi ","clientId":"c1"}`);
    client.send(`{"type":"typing"}`);
    await waitFor(() => received.length >= 2, {
      what: "Both client frames reaching onClientFrame",
    });
    const seq = post(hub, store);
    await client.waitFor((f) => lastMessageSeq(f) === seq, "a live message");
    assert.deepEqual(received, [
      { type: "message", content: "hi", clientId: "c1" },
      { type: "typing" },
    ]);
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession turns thrown errors into error frames", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  const server = await startServer(hub, store, {
    onClientFrame: (frame) => {
      if (frame.type === "typing") throw new Error("database on fire");
      const err = Object.assign(
        new Error("You are not a member of this channel"),
        {
          status: 403,
          code: "not_member",
        },
      );
      return Promise.reject(err);
    },
  });
  const client = await TestClient.connect(server.url);
  const logged: string[] = [];
  const sink = setLogSink((line) => {
    if (JSON.parse(line).level === "error") logged.push(line);
  });
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    client.send(`{"type":"message","content":"hi","clientId":"c1"}`);
    client.send(`{"type":"typing"}`);
    await client.waitFor((f) => f.length === 3, "two error frames");
    assert.deepEqual(client.frames.slice(1), [
      {
        type: "error",
        code: "not_member",
        detail: "You are not a member of this channel",
        // Names the frame it refuses.
        clientId: "c1",
      },
      {
        type: "error",
        code: "internal_error",
        detail: "The server could not handle that frame",
      },
    ]);
    // Only the unexpected error is logged; the 403 is the client's problem.
    assert.equal(logged.length, 1);
  } finally {
    setLogSink(sink);
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession refuses frames past 16 in flight with rate_limited", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  let handled = 0;
  const server = await startServer(hub, store, {
    onClientFrame: async () => {
      await gate;
      handled++;
    },
  });
  const client = await TestClient.connect(server.url);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    for (let i = 0; i < 20; i++) client.send(`{"type":"typing"}`);
    await client.waitFor((f) => f.length === 5, "four error frames");
    assert.ok(
      client.frames.slice(1).every((f) =>
        f.type === "error" && f.code === "rate_limited"
      ),
    );
    release();
    await waitFor(() => handled >= 16, {
      what: "16 frames handled once the gate opens",
    });
    assert.equal(handled, 16);
  } finally {
    release();
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession closes a 17 KiB frame with 1009", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  const server = await startServer(hub, store);
  const client = await TestClient.connect(`${server.url}?name=big`);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    client.send(
      JSON.stringify({
        type: "message",
        content: "x".repeat(17 * 1024),
        clientId: "c",
      }),
    );
    assert.equal((await client.closedWithin()).code, 1009);
    const session = await server.session("big");
    assert.equal(
      (await withDeadline(session.closed, 10_000, "The server session closing"))
        .code,
      1009,
    );
    assert.equal(hub.listenerCount("c1"), 0);
  } finally {
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession closes a non-reading client with 1013 and keeps serving another", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  // Each publish burst below (10 x 4 KB in one macrotask) stays well under
  // the limit: bytes sent in the current macrotask count as buffered.
  const server = await startServer(hub, store, { maxBuffered: 256 * 1024 });
  const slow = await RawWebSocketClient.connect(`${server.url}?name=slow`);
  const fast = await TestClient.connect(`${server.url}?name=fast`);
  try {
    const slowSession = await server.session("slow");
    let slowClosed = false;
    slowSession.closed.then(() => slowClosed = true);
    // Large messages until the slow reader's buffers (kernel ones included)
    // fill up; yielding lets the fast client read.
    const content = "x".repeat(4000);
    for (let i = 0; !slowClosed; i++) {
      if (i > 20_000) throw new Error("The slow client was never closed");
      post(hub, store, content);
      if (i % 10 === 0) await delay(0);
    }
    assert.deepEqual(
      await withDeadline(
        slowSession.closed,
        10_000,
        "The slow session closing",
      ),
      {
        code: 1013,
        reason: "Client is not reading",
      },
    );
    assert.equal(hub.listenerCount("c1"), 1);
    const last = post(hub, store, "still here");
    await fast.waitFor((f) => lastMessageSeq(f) === last, "the last message");
    assert.deepEqual(fast.seqs(), range(1, last));
    // The close frame waits behind everything buffered for the slow client.
    const { code } = await slow.readUntilClose();
    assert.equal(code, 1013);
  } finally {
    await slow.closeWith(1013);
    await fast.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession closes a client whose buffered bytes stop draining", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  // A limit far above what the kernel buffers take, so only the stall rule
  // can close this socket.
  const server = await startServer(hub, store, {
    maxBuffered: 256 * 1024 * 1024,
    stallTimeoutMs: 200,
  });
  const stuck = await RawWebSocketClient.connect(`${server.url}?name=stuck`);
  try {
    const session = await server.session("stuck");
    const content = "y".repeat(4000);
    for (let i = 0; i < 4000; i++) {
      post(hub, store, content);
      if (i % 100 === 0) await delay(0);
    }
    const started = Date.now();
    assert.deepEqual(
      await withDeadline(session.closed, 10_000, "The stalled session closing"),
      {
        code: 1013,
        reason: "Client stopped reading",
      },
    );
    assert.ok(Date.now() - started < 2000);
  } finally {
    await stuck.closeWith(1013);
    await server.close();
    hub.close();
  }
});

Deno.test("upgradeChannelSocket() idle timeout closes a peer that ignores pings, not one that answers", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  const server = await startServer(hub, store, {}, 1);
  const silent = await RawWebSocketClient.connect(`${server.url}?name=silent`);
  const alive = await TestClient.connect(`${server.url}?name=alive`);
  try {
    const session = await server.session("silent");
    assert.equal(
      (await withDeadline(session.closed, 10_000, "The silent session closing"))
        .code,
      1001,
    );
    // A window past the idle timeout, to prove the answering peer stays open.
    await delay(600);
    const seq = post(hub, store);
    await alive.waitFor((f) => lastMessageSeq(f) === seq, "a live message");
    assert.equal(hub.listenerCount("c1"), 1);
  } finally {
    await silent.closeWith(1001);
    await alive.close();
    await server.close();
    hub.close();
  }
});

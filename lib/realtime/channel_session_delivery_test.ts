import assert from "node:assert/strict";
import {
  delay,
  lastMessageSeq,
  MemoryStore,
  post,
  range,
  startServer,
  TestClient,
} from "./_test_helpers.ts";
import { Hub, messageEvent, presenceEvent, typingEvent } from "./hub.ts";
import { PAGE_SIZE } from "./channel_session.ts";

Deno.test("ChannelSession sends ready first, with lastSeq and members", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  for (let i = 0; i < 3; i++) store.add();
  const members = [{
    id: "u1",
    username: "ada",
    displayName: "Ada",
    online: true,
  }];
  const server = await startServer(hub, store, {
    loadMembers: () =>
      Promise.resolve({ memberCount: 7, onlineCount: 1, members }),
  });
  const client = await TestClient.connect(`${server.url}?after=1`);
  try {
    await client.waitFor((f) => f.length === 3, "ready and two messages");
    assert.deepEqual(client.frames[0], {
      type: "ready",
      channelId: "c1",
      lastSeq: 3,
      rev: 0,
      memberCount: 7,
      onlineCount: 1,
      members,
    });
    assert.deepEqual(client.seqs(), [2, 3]);
  } finally {
    await server.close();
    hub.close();
  }
  // Shutdown closes with 1001 so clients know to reconnect elsewhere.
  assert.equal((await client.closedWithin()).code, 1001);
});

Deno.test("ChannelSession backfills after=N, then live, with no gap or duplicate while messages arrive mid-backfill", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  for (let i = 0; i < PAGE_SIZE * 2 + 50; i++) store.add();
  store.delayMs = 20;
  // Every page read races three new messages, published while the read waits.
  store.onLoad = () => {
    for (let i = 0; i < 3; i++) post(hub, store);
  };
  const server = await startServer(hub, store);
  const client = await TestClient.connect(`${server.url}?after=10`);
  try {
    await client.waitFor(
      (f) => store.loads >= 3 && lastMessageSeq(f) === store.messages.length,
      "backfill to finish",
    );
    store.onLoad = () => {};
    // Three pages: the messages published during the last read are in no page,
    // so they reached the client only as queued live events.
    assert.equal(store.loads, 3);
    const live = post(hub, store);
    await client.waitFor((f) => lastMessageSeq(f) === live, "a live message");
    assert.equal(client.frames[0].type, "ready");
    assert.deepEqual(client.seqs(), range(11, live));
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession paces a backfill larger than maxBuffered instead of closing a reading client", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  // 2.4 MB of backlog against a 256 KiB limit: one page alone would pass it
  // if sent in a single macrotask.
  for (let i = 0; i < 3 * PAGE_SIZE; i++) store.add("z".repeat(4000));
  const server = await startServer(hub, store, { maxBuffered: 256 * 1024 });
  const client = await TestClient.connect(`${server.url}?after=0`);
  try {
    await client.waitFor(
      (f) => lastMessageSeq(f) === 3 * PAGE_SIZE,
      "the whole backlog",
    );
    assert.deepEqual(client.seqs(), range(1, 3 * PAGE_SIZE));
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession without after sends only live messages", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  for (let i = 0; i < 4; i++) store.add();
  const server = await startServer(hub, store);
  const client = await TestClient.connect(server.url);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    post(hub, store);
    await client.waitFor((f) => lastMessageSeq(f) === 5, "seq 5");
    assert.deepEqual(client.seqs(), [5]);
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession clamps an after beyond lastSeq and ignores a non-numeric one", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  store.add();
  const server = await startServer(hub, store);
  const client = await TestClient.connect(`${server.url}?after=99`);
  const junk = await TestClient.connect(`${server.url}?after=junk`);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    await junk.waitFor((f) => f.length === 1, "ready");
    assert.equal(
      client.frames[0].type === "ready" && client.frames[0].lastSeq,
      1,
    );
    post(hub, store);
    await client.waitFor((f) => lastMessageSeq(f) === 2, "seq 2");
    assert.deepEqual(client.seqs(), [2]);
    // A cursor that is not a number means "live only", not "everything".
    await junk.waitFor((f) => lastMessageSeq(f) === 2, "seq 2");
    assert.deepEqual(junk.seqs(), [2]);
  } finally {
    await junk.close();
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession fills a gap when a live message skips ahead", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  for (let i = 0; i < 5; i++) store.add();
  const server = await startServer(hub, store);
  const client = await TestClient.connect(`${server.url}?after=5`);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    // 6 and 7 are stored but their events are late (say, from another
    // instance); 8 arrives first.
    const six = store.add();
    const seven = store.add();
    post(hub, store);
    await client.waitFor((f) => lastMessageSeq(f) === 8, "seq 8");
    hub.publish("c1", messageEvent(seven));
    hub.publish("c1", messageEvent(six));
    post(hub, store);
    await client.waitFor((f) => lastMessageSeq(f) === 9, "seq 9");
    assert.deepEqual(client.seqs(), [6, 7, 8, 9]);
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession drops a duplicate seq", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  const server = await startServer(hub, store);
  const client = await TestClient.connect(`${server.url}?after=0`);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    const first = store.add();
    hub.publish("c1", messageEvent(first));
    hub.publish("c1", messageEvent(first));
    post(hub, store);
    hub.publish("c1", messageEvent(first));
    await client.waitFor((f) => lastMessageSeq(f) === 2, "seq 2");
    // A window in which a duplicate would arrive: proving one does not.
    await delay(20);
    assert.deepEqual(client.seqs(), [1, 2]);
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession forwards presence and typing but not the user's own typing", async () => {
  const hub = new Hub({ presence: { windowMs: 10 } });
  const store = new MemoryStore("c1");
  const server = await startServer(hub, store, { userId: "me" });
  const client = await TestClient.connect(server.url);
  try {
    await client.waitFor((f) => f.length === 1, "ready");
    hub.publish("c1", typingEvent({ id: "me" }));
    hub.publish(
      "c1",
      typingEvent({ id: "u2", username: "bo", displayName: "Bo" }),
    );
    hub.publish("c1", presenceEvent([{ userId: "u2", online: false }]));
    await client.waitFor((f) => f.length === 3, "two frames");
    assert.deepEqual(client.frames.slice(1), [
      { type: "typing", userId: "u2", username: "bo", displayName: "Bo" },
      { type: "presence", changes: [{ userId: "u2", online: false }] },
    ]);
  } finally {
    await client.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession reads no backlog for a socket that starts at the end, and still gets what is posted next", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  for (let i = 0; i < 3; i++) store.add();
  const server = await startServer(hub, store);
  const fresh = await TestClient.connect(server.url);
  const current = await TestClient.connect(`${server.url}?after=3`);
  try {
    for (const client of [fresh, current]) {
      await client.waitFor((f) => f[0]?.type === "ready", "ready");
    }
    assert.equal(store.loads, 0);
    const live = post(hub, store);
    for (const client of [fresh, current]) {
      await client.waitFor((f) => lastMessageSeq(f) === live, "a live message");
      assert.deepEqual(client.seqs(), [live]);
    }
  } finally {
    await fresh.close();
    await current.close();
    await server.close();
    hub.close();
  }
});

Deno.test("ChannelSession turns one member list into JSON once for every socket that gets it", async () => {
  const hub = new Hub();
  const store = new MemoryStore("c1");
  let serialized = 0;
  const face = { id: "u1", username: "ada", displayName: "Ada", online: true };
  const members = [{ ...face, toJSON: () => (serialized++, face) }];
  const server = await startServer(hub, store, {
    loadMembers: () =>
      Promise.resolve({ memberCount: 1, onlineCount: 1, members }),
  });
  const clients = [
    await TestClient.connect(server.url),
    await TestClient.connect(server.url),
  ];
  try {
    for (const client of clients) {
      await client.waitFor((f) => f[0]?.type === "ready", "ready");
      assert.deepEqual(client.frames[0], {
        type: "ready",
        channelId: "c1",
        lastSeq: 0,
        rev: 0,
        memberCount: 1,
        onlineCount: 1,
        members: [face],
      });
    }
    assert.equal(serialized, 1);
  } finally {
    for (const client of clients) await client.close();
    await server.close();
    hub.close();
  }
});

import assert from "node:assert/strict";
import { createInbox, PRESENCE_BATCH_MS } from "./inbox.ts";
import { createChatState } from "./state.ts";
import type { ChannelView, Member } from "./types.ts";

function setup(count: number) {
  const members: Member[] = Array.from({ length: count }, (_, i) => ({
    id: `user-${i}`,
    username: `u${i}`,
    displayName: `User ${i}`,
    online: false,
  }));
  const state = createChatState({
    me: { id: "user-0", username: "u0", displayName: "User 0", role: "member" },
    channels: [],
    channel: {
      id: "c1",
      name: "general",
      topic: "",
      private: false,
      ownerId: "user-0",
      kind: "channel",
      memberCount: count,
      lastSeq: 0,
      unread: 0,
    },
    messages: [],
    members,
    firstUnreadSeq: 0,
    maxUploadBytes: 100 * 1024 * 1024,
  });
  const lists: Member[][] = [];
  const stop = state.members.subscribe((list) => lists.push(list));
  lists.length = 0; // subscribe reports the current value first
  return { state, inbox: createInbox(state), lists, stop };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PRESENCE_BATCH_MS + 50));
}

Deno.test("a burst of presence frames updates the member list once", async () => {
  const { state, inbox, lists, stop } = setup(500);
  for (let i = 0; i < 500; i++) {
    inbox.onFrame({ type: "presence", userId: `user-${i}`, online: true });
  }
  // The latest state per user wins.
  inbox.onFrame({ type: "presence", userId: "user-7", online: false });
  assert.equal(lists.length, 0, "nothing applied before the batch is due");
  await settle();
  stop();
  assert.equal(lists.length, 1);
  const online = state.members.value.filter((m) => m.online).map((m) => m.id);
  assert.equal(online.length, 499);
  assert.ok(!online.includes("user-7"));
});

Deno.test("presence that changes nothing leaves the list as it was", async () => {
  const { inbox, lists, stop } = setup(3);
  inbox.onFrame({ type: "presence", userId: "user-1", online: true });
  inbox.onFrame({ type: "presence", userId: "user-1", online: false });
  await settle();
  stop();
  assert.equal(lists.length, 0);
});

Deno.test("a ready frame drops presence gathered before it", async () => {
  const { state, inbox, stop } = setup(2);
  inbox.onFrame({ type: "presence", userId: "user-1", online: true });
  inbox.onFrame({
    type: "ready",
    channelId: "c1",
    lastSeq: 0,
    rev: 0,
    members: [
      { id: "user-0", username: "u0", displayName: "User 0", online: true },
      { id: "user-1", username: "u1", displayName: "User 1", online: false },
    ],
  });
  await settle();
  stop();
  assert.deepEqual(
    state.members.value.map((m) => m.online),
    [true, false],
  );
});

function message(seq: number, rev: number, content = `m${seq}`) {
  return {
    id: `m${seq}`,
    channelId: "c1",
    seq,
    rev,
    author: { id: "user-1", username: "u1", displayName: "User 1" },
    content,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, seq)).toISOString(),
    file: null,
    reactions: [],
    mentions: [],
  };
}

Deno.test("message_update replaces a held message by seq; older or unheld ones change nothing", () => {
  const { state, inbox, stop } = setup(2);
  stop();
  inbox.onFrame({ type: "message", message: message(1, 1) });
  inbox.onFrame({ type: "message", message: message(2, 2) });
  inbox.onFrame({ type: "message_update", message: message(1, 4, "edited") });
  assert.deepEqual(state.messages.value.map((m) => m.content), [
    "edited",
    "m2",
  ]);
  const before = state.messages.value;
  // A stale copy (a replay racing a live frame) and a message not loaded.
  inbox.onFrame({ type: "message_update", message: message(1, 3, "stale") });
  inbox.onFrame({ type: "message_update", message: message(9, 5, "unheld") });
  assert.equal(state.messages.value, before);
});

Deno.test("the rev cursor moves with caught_up, then with live frames, and restarts at ready", () => {
  const { state, inbox, stop } = setup(2);
  stop();
  inbox.onFrame({
    type: "ready",
    channelId: "c1",
    lastSeq: 0,
    rev: 9,
    members: [],
  });
  // Backlog before caught_up says nothing about older changes.
  inbox.onFrame({ type: "message", message: message(1, 8) });
  assert.equal(state.rev.value, 0);
  inbox.onFrame({ type: "caught_up", lastSeq: 1, rev: 9 });
  assert.equal(state.rev.value, 9);
  inbox.onFrame({ type: "message_update", message: message(1, 10, "live") });
  assert.equal(state.rev.value, 10);
  inbox.onFrame({
    type: "ready",
    channelId: "c1",
    lastSeq: 1,
    rev: 12,
    members: [],
  });
  inbox.onFrame({
    type: "message_update",
    message: message(1, 12, "replayed"),
  });
  assert.equal(state.rev.value, 10, "not before the new socket caught up");
});

Deno.test("channel frames rename the open channel and drop a lost one from the list", () => {
  const { state, inbox, stop } = setup(1);
  const other: ChannelView = {
    id: "c2",
    name: "other",
    topic: "",
    private: true,
    ownerId: "user-0",
    kind: "channel",
    memberCount: 2,
    lastSeq: 0,
    unread: 0,
  };
  state.channels.value = [{ ...state.channel.value!, memberCount: 1 }, other];
  inbox.onFrame({
    type: "channel_updated",
    channel: { id: "c1", name: "lobby", topic: "hi", private: false },
  });
  assert.equal(state.channel.value?.name, "lobby");
  assert.equal(state.channel.value?.topic, "hi");
  assert.deepEqual(state.channels.value.map((c) => c.name), ["lobby", "other"]);
  inbox.onFrame({
    type: "channel_removed",
    channelId: "c2",
    reason: "removed",
  });
  assert.deepEqual(state.channels.value.map((c) => c.id), ["c1"]);
  inbox.onFrame({
    type: "channel_added",
    channel: { id: "c3", name: "new", topic: "", private: false },
  });
  assert.equal(state.announcement.value, "You were added to #new");
  stop();
});

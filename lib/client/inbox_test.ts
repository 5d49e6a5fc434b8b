import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../../tests/helpers/deadline.ts";
import { effect } from "@preact/signals";
import { createInbox, MEMBERS_RELOAD_AFTER_MS } from "./inbox.ts";
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

Deno.test("a batched presence frame updates the member list once, with the server's count", () => {
  const { state, inbox, lists, stop } = setup(500);
  const changes = Array.from({ length: 500 }, (_, i) => ({
    userId: `user-${i}`,
    online: i !== 7,
  }));
  inbox.onFrame({ type: "presence", changes, onlineCount: 499 });
  stop();
  assert.equal(lists.length, 1);
  const online = state.members.value.filter((m) => m.online).map((m) => m.id);
  assert.equal(online.length, 499);
  assert.ok(!online.includes("user-7"));
  assert.equal(state.onlineCount.value, 499);
});

Deno.test("presence without a count moves the online count by what changed", () => {
  const { state, inbox, stop } = setup(3);
  stop();
  state.onlineCount.value = 1;
  inbox.onFrame({
    type: "presence",
    changes: [
      { userId: "user-1", online: true }, // loaded, comes online
      { userId: "user-2", online: false }, // loaded, already offline
      { userId: "someone-else", online: true }, // not loaded
    ],
  });
  assert.equal(state.onlineCount.value, 3);
  assert.deepEqual(state.members.value.map((m) => m.online), [
    false,
    true,
    false,
  ]);
});

Deno.test("a ready frame replaces the members and their counts", () => {
  const { state, inbox, stop } = setup(2);
  inbox.onFrame({
    type: "presence",
    changes: [{ userId: "user-1", online: true }],
  });
  inbox.onFrame({
    type: "ready",
    channelId: "c1",
    lastSeq: 0,
    rev: 0,
    memberCount: 40,
    onlineCount: 1,
    members: [
      { id: "user-0", username: "u0", displayName: "User 0", online: true },
    ],
  });
  stop();
  assert.deepEqual(state.members.value.map((m) => m.id), ["user-0"]);
  assert.equal(state.memberCount.value, 40);
  assert.equal(state.onlineCount.value, 1);
});

Deno.test("member frames move the member count", () => {
  const { state, inbox, stop } = setup(2);
  stop();
  state.memberCount.value = 2;
  state.onlineCount.value = 1;
  state.members.value = [{ ...state.members.value[1], online: true }];
  inbox.onFrame({ type: "member", userId: "user-1", joined: false });
  assert.equal(state.memberCount.value, 1);
  assert.equal(state.onlineCount.value, 0);
  const joined = { id: "n", username: "n", displayName: "N", online: false };
  inbox.onFrame({ type: "member", userId: "n", joined: true, member: joined });
  assert.equal(state.memberCount.value, 2);
  assert.deepEqual(state.members.value, [joined]);
});

Deno.test("member_updated gives a loaded member their new face, keeping the list's presence and counts", () => {
  const { state, inbox, stop } = setup(3);
  state.members.value = state.members.value.map((m, i) => ({
    ...m,
    online: i === 1,
  }));
  state.memberCount.value = 3;
  state.onlineCount.value = 1;
  stop();
  inbox.onFrame({
    type: "member_updated",
    member: {
      id: "user-1",
      username: "u1",
      displayName: "Renamed",
      online: false, // another server's view
      avatarUrl: "/avatars/user-1/2",
      role: "moderator",
      status: "Out for lunch",
    },
  });
  assert.deepEqual(state.members.value[1], {
    id: "user-1",
    username: "u1",
    displayName: "Renamed",
    online: true,
    avatarUrl: "/avatars/user-1/2",
    role: "moderator",
    status: "Out for lunch",
  });
  // A face without avatar, role or status drops them.
  inbox.onFrame({
    type: "member_updated",
    member: { id: "user-1", username: "u1", displayName: "R", online: true },
  });
  assert.deepEqual(state.members.value[1], {
    id: "user-1",
    username: "u1",
    displayName: "R",
    online: true,
  });
  // Someone not loaded is not added.
  inbox.onFrame({
    type: "member_updated",
    member: { id: "stranger", username: "s", displayName: "S", online: true },
  });
  assert.deepEqual(state.members.value.map((m) => m.id), [
    "user-0",
    "user-1",
    "user-2",
  ]);
  assert.equal(state.memberCount.value, 3);
  assert.equal(state.onlineCount.value, 1);
});

Deno.test("member_updated about me changes the page's me: names, avatar and role", () => {
  const { state, inbox, stop } = setup(2);
  stop();
  const seen: string[] = [];
  const dispose = effect(() => {
    seen.push(state.me.displayName);
  });
  inbox.onFrame({
    type: "member_updated",
    member: {
      id: "user-0",
      username: "u0",
      displayName: "Me, renamed",
      online: true,
      avatarUrl: "/avatars/user-0/3",
      role: "admin",
    },
  });
  dispose();
  assert.deepEqual(state.me, {
    id: "user-0",
    username: "u0",
    displayName: "Me, renamed",
    avatarUrl: "/avatars/user-0/3",
    role: "admin",
  });
  assert.deepEqual(seen, ["User 0", "Me, renamed"], "readers follow it");
  // Someone else's new face leaves me as I am.
  inbox.onFrame({
    type: "member_updated",
    member: { id: "user-1", username: "u1", displayName: "X", online: true },
  });
  assert.equal(state.me.displayName, "Me, renamed");
  // Without a role or avatar in the face: a member without an avatar.
  inbox.onFrame({
    type: "member_updated",
    member: { id: "user-0", username: "u0", displayName: "Me", online: true },
  });
  assert.equal(state.me.role, "member");
  assert.equal(state.me.avatarUrl, null);
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
    memberCount: 2,
    onlineCount: 0,
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
    memberCount: 2,
    onlineCount: 0,
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

Deno.test("a presence frame too big to list sets the count now and reloads the member list from its first page", async () => {
  const { state, inbox, stop } = setup(3);
  stop();
  const asked: string[] = [];
  const fresh: Member = {
    id: "user-9",
    username: "u9",
    displayName: "User 9",
    online: true,
  };
  let answered!: () => void;
  const reloaded = new Promise<void>((resolve) => answered = resolve);
  const realFetch = globalThis.fetch;
  const realRandom = Math.random;
  globalThis.fetch = (input: RequestInfo | URL) => {
    asked.push(String(input));
    queueMicrotask(answered);
    return Promise.resolve(Response.json({
      members: [fresh],
      nextCursor: "next",
      memberCount: 3000,
      onlineCount: 2001,
    }));
  };
  Math.random = () => 0;
  try {
    inbox.onFrame({
      type: "presence",
      changes: [],
      onlineCount: 2000,
      omitted: 1999,
    });
    const firstAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A second crowd frame puts the reload off: one reload after the crowd.
    inbox.onFrame({
      type: "presence",
      changes: [],
      onlineCount: 2000,
      omitted: 500,
    });
    assert.equal(state.onlineCount.value, 2000, "the count at once");
    assert.equal(state.members.value.length, 3, "the list is kept until then");
    await withDeadline(reloaded, MEMBERS_RELOAD_AFTER_MS + 2000, "the reload");
    assert.ok(
      performance.now() - firstAt >= MEMBERS_RELOAD_AFTER_MS + 250,
      "counted from the last crowd frame",
    );
    await waitFor(() => state.members.value.length === 1, {
      what: "the list replaced",
    });
    assert.deepEqual(asked, ["/channels/c1/members?limit=100&online=true"]);
    assert.deepEqual(state.members.value, [fresh]);
    assert.equal(state.onlineCount.value, 2001);
  } finally {
    inbox.cancelMembersReload();
    globalThis.fetch = realFetch;
    Math.random = realRandom;
  }
});

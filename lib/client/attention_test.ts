import assert from "node:assert/strict";
import { alerts, attentionOf, messageUrl } from "./attention.ts";
import type { ChannelView, Message } from "./types.ts";

const channel = (over: Partial<ChannelView>): ChannelView => ({
  id: "c",
  name: "c",
  topic: "",
  private: false,
  ownerId: "u",
  kind: "channel",
  memberCount: 2,
  lastSeq: 5,
  unread: 0,
  ...over,
});

const message = (over: Partial<Message>): Message => ({
  id: "m",
  channelId: "c",
  seq: 6,
  rev: 6,
  author: { id: "ben", username: "ben", displayName: "Ben" },
  content: "hi",
  createdAt: "2026-01-01T00:00:00.000Z",
  file: null,
  reactions: [],
  mentions: [],
  ...over,
});

Deno.test("attentionOf() counts mentions and DM unread, and skips muted channels", () => {
  const got = attentionOf([
    channel({ id: "a", unread: 3, mentions: 1 }),
    channel({ id: "b", unread: 2, kind: "dm" }),
    channel({ id: "m", unread: 9, mentions: 4, muted: true }),
  ]);
  assert.deepEqual(got, { count: 3, mentions: 1, unread: true });
  assert.deepEqual(attentionOf([channel({ muted: true, unread: 1 })]), {
    count: 0,
    mentions: 0,
    unread: false,
  });
  assert.equal(attentionOf([channel({ unread: 2 })]).unread, true);
});

Deno.test("alerts() follows the level, the mention and the default for DMs", () => {
  const plain = message({});
  const mention = message({ mentions: ["ada"] });
  assert.equal(alerts(plain, channel({}), "ada"), false);
  assert.equal(alerts(mention, channel({}), "ada"), true);
  assert.equal(alerts(plain, channel({ kind: "dm" }), "ada"), true);
  assert.equal(alerts(plain, channel({ notifications: "all" }), "ada"), true);
  assert.equal(
    alerts(mention, channel({ notifications: "none" }), "ada"),
    false,
  );
  assert.equal(alerts(mention, channel({ muted: true }), "ada"), false);
  // Never one's own message, never a deleted one.
  assert.equal(alerts(mention, channel({}), "ben"), false);
  assert.equal(
    alerts(message({ mentions: ["ada"], deleted: true }), channel({}), "ada"),
    false,
  );
});

Deno.test("messageUrl() is the channel page at the message", () => {
  assert.equal(messageUrl("a b", 7), "/c/a%20b?m=7");
});

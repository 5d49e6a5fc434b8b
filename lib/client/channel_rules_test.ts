import assert from "node:assert/strict";
import { ApiFailure, failureOf } from "./api.ts";
import {
  createPostingState,
  heldToRules,
  mayDeleteOthers,
  notePosted,
  noteRefusal,
  slowModeLabel,
  waitLabel,
} from "./channel_rules.ts";
import type { ChannelView, Me } from "./types.ts";

const member: Me = { id: "m", username: "m", displayName: "M", role: "member" };
const mod: Me = { ...member, id: "mod", role: "moderator" };
const channel = {
  id: "c",
  name: "news",
  topic: "",
  private: false,
  ownerId: "o",
  kind: "channel",
  memberCount: 3,
  lastSeq: 0,
  unread: 0,
  slowModeSeconds: 30,
  postPolicy: "everyone",
} satisfies ChannelView;

Deno.test("slowModeLabel() and waitLabel() say windows and waits as the menu and countdown do", () => {
  assert.deepEqual(
    [0, 5, 10, 30, 60, 300, 900, 3600, 21600].map(slowModeLabel),
    ["Off", "5 s", "10 s", "30 s", "1 min", "5 min", "15 min", "1 h", "6 h"],
  );
  assert.equal(waitLabel(200), "1 s");
  assert.equal(waitLabel(42_000), "42 s");
  assert.equal(waitLabel(245_000), "4 min 5 s");
  assert.equal(waitLabel(300_000), "5 min");
});

Deno.test("heldToRules() and mayDeleteOthers(): staff and the channel's owner are exempt; nobody moderates a DM", () => {
  assert.equal(heldToRules(member, channel), true);
  assert.equal(heldToRules(mod, channel), false);
  assert.equal(heldToRules({ ...member, id: "o" }, channel), false);
  assert.equal(mayDeleteOthers(member, channel), false);
  assert.equal(mayDeleteOthers(mod, channel), true);
  assert.equal(mayDeleteOthers(mod, { ...channel, kind: "dm" }), false);
  assert.equal(mayDeleteOthers(mod, null), false);
});

Deno.test("noteRefusal() and notePosted() learn a timeout's end and slow mode's wait", () => {
  const posting = createPostingState({ ...member, timedOutUntil: null });
  const until = new Date(Date.now() + 60_000).toISOString();
  noteRefusal(posting, new ApiFailure(403, "x", { code: "timed_out", until }));
  assert.equal(posting.timedOutUntil.value, until);
  const before = Date.now();
  noteRefusal(
    posting,
    new ApiFailure(429, "x", {
      code: "slow_mode",
      retryAfter: 20,
    }),
  );
  assert.ok(posting.slowUntil.value >= before + 20_000);
  posting.slowUntil.value = 0;
  notePosted(posting, mod, channel);
  assert.equal(posting.slowUntil.value, 0, "a moderator has no countdown");
  notePosted(posting, member, channel);
  assert.ok(posting.slowUntil.value >= before + 30_000);
});

Deno.test("failureOf() keeps what a refusal says: a slow mode's sentence, code and wait; a timeout's end", () => {
  const slow = failureOf(
    429,
    JSON.stringify({
      code: "slow_mode",
      detail: 'Slow mode is on in channel "news": wait 20 s',
    }),
    "20",
  );
  assert.equal(slow.code, "slow_mode");
  assert.equal(slow.retryAfter, 20);
  assert.equal(slow.message, 'Slow mode is on in channel "news": wait 20 s.');
  const limited = failureOf(
    429,
    JSON.stringify({ code: "rate_limited", detail: "x" }),
    "1",
  );
  assert.equal(
    limited.message,
    "Too many attempts. Wait a little and try again.",
  );
  const until = "2026-12-06T14:05:00.000Z";
  const timedOut = failureOf(
    403,
    JSON.stringify({ code: "timed_out", until, detail: "You are timed out" }),
    null,
  );
  assert.equal(timedOut.until, until);
  assert.equal(timedOut.retryAfter, undefined);
});

import assert from "node:assert/strict";
import { buildRows, type Entry, mergeMessages } from "./timeline.ts";
import type { Message } from "./types.ts";

function message(seq: number, author = "a", minute = seq): Message {
  return {
    id: `m${seq}`,
    channelId: "c",
    seq,
    author: { id: author, username: author, displayName: author },
    content: `message ${seq}`,
    createdAt: new Date(Date.UTC(2025, 2, 4, 12, minute)).toISOString(),
    file: null,
    rev: seq,
    reactions: [],
    mentions: [],
  };
}

const sent = (m: Message): Entry => ({ message: m, status: "sent" });

Deno.test("mergeMessages() appends, inserts in order and drops repeats", () => {
  const base = [message(2), message(3)];
  assert.deepEqual(
    mergeMessages(base, [message(4), message(3)]).map((m) => m.seq),
    [2, 3, 4],
  );
  assert.deepEqual(
    mergeMessages(base, [message(1)]).map((m) => m.seq),
    [1, 2, 3],
  );
  assert.equal(mergeMessages(base, [message(2)]), base);
});

Deno.test("buildRows() groups one author's consecutive messages", () => {
  const rows = buildRows(
    [message(1), message(2), message(3, "b"), message(4, "b", 20)].map(sent),
    "server",
    0,
    new Date("2025-03-04T18:00:00Z"),
  );
  assert.deepEqual(
    rows.map((r) =>
      r.kind === "message"
        ? `${r.entry.message.seq}${r.startsGroup ? "*" : ""}`
        : r.kind
    ),
    ["day", "1*", "2", "3*", "4*"],
  );
  assert.equal(rows[0].kind === "day" && rows[0].label, "Today");
});

Deno.test("buildRows() marks the first unread message and breaks its group", () => {
  const rows = buildRows([message(1), message(2)].map(sent), "server", 2);
  assert.deepEqual(rows.map((r) => r.kind), [
    "day",
    "message",
    "unread",
    "message",
  ]);
  const last = rows[3];
  assert.ok(last.kind === "message" && last.startsGroup);
});

Deno.test("mergeMessages() replaces a held seq only with a higher rev", () => {
  const base = [message(1), message(2)];
  const edited = { ...message(2), rev: 5, content: "edited" };
  const merged = mergeMessages(base, [edited]);
  assert.deepEqual(merged.map((m) => m.content), ["message 1", "edited"]);
  assert.equal(base[1].content, "message 2", "the old array is left alone");
  assert.equal(mergeMessages(merged, [message(2)]), merged);
});

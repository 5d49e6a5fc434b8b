import assert from "node:assert/strict";
import { keepNewer } from "./sync.ts";
import type { ChannelView } from "./types.ts";

function channel(id: string, lastSeq: number, unread: number): ChannelView {
  return {
    id,
    name: id,
    topic: "",
    private: false,
    ownerId: "someone",
    kind: "channel",
    memberCount: 2,
    lastSeq,
    unread,
  };
}

Deno.test("keepNewer() takes the reloaded list unless activity counted past it", () => {
  const held = [channel("a", 7, 3), channel("b", 4, 1), channel("gone", 9, 9)];
  const fresh = [channel("a", 5, 1), channel("b", 6, 0), channel("new", 2, 2)];
  assert.deepEqual(keepNewer(fresh, held), [
    // An activity frame saw seq 7 while the list was read at 5: 1 + 2 unread.
    channel("a", 7, 3),
    // The server's list is newer (and b was read meanwhile): it wins.
    channel("b", 6, 0),
    channel("new", 2, 2),
  ]);
  assert.deepEqual(keepNewer([], held), []);
});

import assert from "node:assert/strict";
import { blockUser, listBlocks } from "./blocks.ts";
import {
  type Between,
  changeFriendship,
  type FriendState,
  listFriendLinks,
} from "./friends.ts";

// The asking rule in its plainest form: accept a standing request, else ask.
const ask = ({ mine, iBlocked, blockedMe }: Between): FriendState => {
  if (iBlocked || blockedMe) throw new Error("blocked");
  return mine?.state === "incoming" ? "friends" : "outgoing";
};

const states = async (kv: Deno.Kv, userId: string) =>
  (await listFriendLinks(kv, userId)).map((l) => l.link.state);

Deno.test("changeFriendship() makes two people asking each other at once friends", async () => {
  for (let round = 0; round < 20; round++) {
    using kv = await Deno.openKv(":memory:");
    await Promise.all([
      changeFriendship(kv, "a", "b", ask),
      changeFriendship(kv, "b", "a", ask),
    ]);
    assert.deepEqual(await states(kv, "a"), ["friends"]);
    assert.deepEqual(await states(kv, "b"), ["friends"]);
  }
});

Deno.test("changeFriendship() never leaves a request beside a block made at the same time", async () => {
  for (let round = 0; round < 20; round++) {
    using kv = await Deno.openKv(":memory:");
    await Promise.allSettled([
      changeFriendship(kv, "a", "b", ask),
      blockUser(kv, "b", "a"),
    ]);
    assert.deepEqual((await listBlocks(kv, "b")).map((b) => b.userId), ["a"]);
    assert.deepEqual(await states(kv, "a"), []);
    assert.deepEqual(await states(kv, "b"), []);
  }
});

Deno.test("changeFriendship() writes both sides mirrored, and null removes both", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await changeFriendship(kv, "a", "b", ask), "outgoing");
  assert.deepEqual(await states(kv, "b"), ["incoming"]);
  assert.equal(await changeFriendship(kv, "b", "a", ask), "friends");
  assert.deepEqual(await states(kv, "a"), ["friends"]);
  assert.equal(await changeFriendship(kv, "a", "b", () => null), null);
  assert.deepEqual([await states(kv, "a"), await states(kv, "b")], [[], []]);
});

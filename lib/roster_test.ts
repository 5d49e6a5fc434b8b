import assert from "node:assert/strict";
import type { User } from "./db/users.ts";
import { Hub, memberEvent, typingEvent } from "./realtime/hub.ts";
import { Presence } from "./realtime/presence.ts";
import { MAX_HOLD_MS, READ_SHARE, Roster } from "./roster.ts";
import { FakeClock } from "../tests/helpers/fake_clock.ts";

function user(name: string): User {
  return {
    id: `id-${name}`,
    username: name,
    displayName: name,
    createdAt: "2026-01-01T00:00:00.000Z",
    role: "member",
    status: "",
    avatarUrl: null,
  };
}

/** A loader that counts reads and serves whatever `lists` holds now. */
function loader(lists: Map<string, User[]>) {
  const reads: string[] = [];
  const load = (channelId: string) => {
    reads.push(channelId);
    return Promise.resolve([...lists.get(channelId) ?? []]);
  };
  return { reads, load };
}

Deno.test("Roster reads a channel once for many sockets opening at once", async () => {
  const hub = new Hub();
  const { reads, load } = loader(new Map([["c", [user("ann"), user("bo")]]]));
  const roster = new Roster(load, hub);
  const lists = await Promise.all(
    Array.from({ length: 50 }, () => roster.members("c")),
  );
  assert.deepEqual(reads, ["c"]);
  assert.ok(lists.every((l) => l.map((u) => u.username).join() === "ann,bo"));
  assert.deepEqual(await roster.members("c"), lists[0]);
  assert.deepEqual(reads, ["c"]);
  hub.close();
});

Deno.test("Roster reads again after a join or leave in that channel only", async () => {
  const hub = new Hub();
  const lists = new Map([["c", [user("ann")]], ["d", [user("dee")]]]);
  const { reads, load } = loader(lists);
  const roster = new Roster(load, hub);
  await roster.members("c");
  await roster.members("d");
  lists.set("c", [user("ann"), user("bo")]);
  // Other kinds of event leave the list alone.
  hub.publish("c", typingEvent({ id: "id-ann" }));
  assert.equal((await roster.members("c")).length, 1);
  hub.publish("c", memberEvent("id-bo", true));
  assert.deepEqual(
    (await roster.members("c")).map((u) => u.username),
    ["ann", "bo"],
  );
  await roster.members("d");
  assert.deepEqual(reads, ["c", "d", "c"]);
  hub.close();
});

Deno.test("Roster reads again once the list is older than ttlMs", async () => {
  const hub = new Hub();
  const { reads, load } = loader(new Map([["c", [user("ann")]]]));
  const clock = new FakeClock();
  const roster = new Roster(load, hub, { ttlMs: 20, now: clock.now });
  await roster.members("c");
  clock.advance(19);
  await roster.members("c");
  assert.equal(reads.length, 1);
  clock.advance(1);
  await roster.members("c");
  assert.equal(reads.length, 2);
  // The replaced list no longer listens to the hub.
  assert.equal(hub.listenerCount("c"), 1);
  // A stale list of a channel nobody asks about again goes at the next read.
  clock.advance(20);
  await roster.members("d");
  assert.equal(roster.size, 1);
  assert.equal(hub.listenerCount("c"), 0);
  hub.close();
});

Deno.test("Roster holds a list that was slow to read for READ_SHARE times the read, at most MAX_HOLD_MS", async () => {
  const hub = new Hub();
  const clock = new FakeClock();
  const reads: string[] = [];
  // Each read of "big" takes 600 ms on the clock, of "huge" 5 s, of "small" none.
  const took: Record<string, number> = { big: 600, huge: 5_000, small: 0 };
  const roster = new Roster(
    (channelId) => {
      reads.push(channelId);
      clock.advance(took[channelId]);
      return Promise.resolve([user(channelId)]);
    },
    hub,
    { ttlMs: 5_000, now: clock.now },
  );
  for (const id of ["big", "huge", "small"]) await roster.members(id);
  assert.deepEqual(reads, ["big", "huge", "small"]);
  // 600 ms x 20 = 12 s from the start of the read: past ttlMs, still held.
  clock.advance(6_000);
  for (const id of ["big", "huge", "small"]) await roster.members(id);
  assert.deepEqual(reads, ["big", "huge", "small", "small"]);
  assert.ok(roster.held("big") !== undefined);
  assert.equal(600 * READ_SHARE, 12_000);
  clock.advance(12_000 - 6_000 - 5_000);
  await roster.members("big");
  assert.deepEqual(reads.slice(4), ["big"]);
  // 5 s x 20 would be 100 s; MAX_HOLD_MS (30 s) is the bound.
  clock.advance(MAX_HOLD_MS - (clock.now() - 1_600));
  assert.equal(roster.held("huge"), undefined);
  await roster.members("huge");
  assert.deepEqual(reads.slice(5), ["huge"]);
  // A join still drops a held list at once.
  hub.publish("big", memberEvent("id-x", true));
  await roster.members("big");
  assert.deepEqual(reads.slice(6), ["big"]);
  hub.close();
});

Deno.test("Roster does not read a list again while its read is still under way, for up to MAX_HOLD_MS", async () => {
  const hub = new Hub();
  const clock = new FakeClock();
  let reads = 0;
  let finish!: (users: User[]) => void;
  const roster = new Roster(
    () => {
      reads++;
      return new Promise<User[]>((resolve) => finish = resolve);
    },
    hub,
    { ttlMs: 5_000, now: clock.now },
  );
  const first = roster.members("c");
  clock.advance(8_000);
  const second = roster.members("c");
  assert.equal(reads, 1);
  finish([user("ann")]);
  assert.deepEqual(await second, await first);
  assert.equal(reads, 1);
  // A read that never answers is given up after MAX_HOLD_MS.
  clock.advance(MAX_HOLD_MS);
  void roster.members("c");
  clock.advance(MAX_HOLD_MS);
  void roster.members("c");
  assert.equal(reads, 3);
  finish([]);
  hub.close();
});

Deno.test("Roster.forget() drops every list, as after a rename", async () => {
  const hub = new Hub();
  const lists = new Map([["c", [user("ann")]]]);
  const { reads, load } = loader(lists);
  const roster = new Roster(load, hub);
  await roster.members("c");
  lists.set("c", [{ ...user("ann"), displayName: "Ann B." }]);
  roster.forget();
  assert.equal(roster.size, 0);
  assert.equal(hub.listenerCount("c"), 0);
  assert.equal((await roster.members("c"))[0].displayName, "Ann B.");
  assert.equal(reads.length, 2);
  hub.close();
});

Deno.test("Roster drops every list when a user's record changes, here or on another instance, and on no other news", async () => {
  const hub = new Hub();
  const lists = new Map([["c", [user("ann")]]]);
  const { reads, load } = loader(lists);
  const roster = new Roster(load, hub);
  await roster.members("c");
  hub.announce({ type: "friends", userId: "ann" });
  hub.announce({ type: "timeout", userId: "ann" });
  assert.equal(roster.size, 1, "other news keeps the list");
  lists.set("c", [{ ...user("ann"), role: "moderator" }]);
  // announce() tells this hub's listeners before it returns.
  hub.announce({ type: "user", userId: "ann" });
  assert.equal(roster.size, 0);
  assert.equal((await roster.members("c"))[0].role, "moderator");
  assert.equal(reads.length, 2);
  hub.close();
});

Deno.test("Roster does not keep a failed read and bounds the channels it holds", async () => {
  const hub = new Hub();
  let fail = true;
  const roster = new Roster(
    (channelId) =>
      fail
        ? Promise.reject(new Error("KV is closed"))
        : Promise.resolve([user(channelId)]),
    hub,
    { maxChannels: 2 },
  );
  await assert.rejects(roster.members("a"), /KV is closed/);
  assert.equal(roster.size, 0);
  fail = false;
  for (const id of ["a", "b", "c"]) await roster.members(id);
  assert.equal(roster.size, 2);
  assert.equal(hub.listenerCount("a"), 0);
  assert.equal(hub.listenerCount("c"), 1);
  hub.close();
});

Deno.test("Roster views hold members by username and who of them is online, as presence changes", async () => {
  const hub = new Hub();
  const presence = new Presence();
  presence.connect("id-cy");
  const { load } = loader(
    new Map([["c", [user("cy"), user("ann"), user("bo")]]]),
  );
  const roster = new Roster(load, hub, { presence });
  assert.equal(roster.onlineCount("c"), undefined);
  const view = await roster.view("c");
  assert.deepEqual(view.members.map((u) => u.username), ["ann", "bo", "cy"]);
  assert.deepEqual([...view.online], ["id-cy"]);
  presence.connect("id-ann");
  presence.connect("id-zed"); // not a member of c
  presence.disconnect("id-cy");
  assert.deepEqual([...view.online], ["id-ann"]);
  assert.equal(roster.onlineCount("c"), 1);
  presence.close();
  hub.close();
});

Deno.test("Roster.held() answers a loaded list younger than ttlMs, and never reads", async () => {
  const hub = new Hub();
  let now = 0;
  const { reads, load } = loader(new Map([["c", [user("ann")]]]));
  const roster = new Roster(load, hub, { ttlMs: 100, now: () => now });
  assert.equal(roster.held("c"), undefined);
  await roster.view("c");
  assert.deepEqual([...roster.held("c")!.byId.keys()], ["id-ann"]);
  now = 100;
  assert.equal(roster.held("c"), undefined);
  assert.equal(reads.length, 1);
  hub.close();
});

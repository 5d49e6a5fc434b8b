import assert from "node:assert/strict";
import type { User } from "../db/users.ts";
import { Hub } from "../realtime/hub.ts";
import { Roster } from "../roster.ts";
import { channelsToTell } from "./peer_presence.ts";

function user(id: string): User {
  return {
    id,
    username: id,
    displayName: id,
    createdAt: "2026-01-01T00:00:00.000Z",
    role: "member",
  } as User;
}

Deno.test("channelsToTell() answers from the held member lists without a read, and reads when one is not held", async () => {
  const hub = new Hub();
  const lists = new Map([["c1", [user("u1")]], ["c2", [user("u2")]]]);
  const roster = new Roster(
    (id) => Promise.resolve(lists.get(id) ?? []),
    hub,
  );
  // A closed database: any read would throw.
  const kv = await Deno.openKv(":memory:");
  kv.close();
  const stop = hub.subscribe("c1", () => {});
  try {
    await roster.view("c1");
    const services = { hub, roster, kv };
    assert.deepEqual(await channelsToTell(services, "u1"), ["c1"]);
    assert.deepEqual(await channelsToTell(services, "u2"), []);
    // A channel listened to whose list is not held: the user's channels are read.
    hub.subscribe("c2", () => {});
    await assert.rejects(channelsToTell(services, "u2"));
    await roster.view("c2");
    assert.deepEqual(await channelsToTell(services, "u2"), ["c2"]);
  } finally {
    stop();
    hub.close();
  }
});

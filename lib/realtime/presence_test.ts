import assert from "node:assert/strict";
import { FakeClock } from "../../tests/helpers/fake_clock.ts";
import { Presence } from "./presence.ts";

Deno.test("Presence.connect() reports online only for the first socket", () => {
  const presence = new Presence();
  assert.equal(presence.isOnline("u1"), false);
  assert.equal(presence.connect("u1"), true);
  assert.equal(presence.connect("u1"), false);
  assert.equal(presence.isOnline("u1"), true);
  assert.deepEqual(presence.onlineUsers(), ["u1"]);
});

Deno.test("Presence.disconnect() reports offline only when the last socket closes", () => {
  const presence = new Presence();
  const offline: string[] = [];
  presence.connect("u1");
  presence.connect("u1");
  presence.disconnect("u1", () => offline.push("u1"));
  assert.equal(offline.length, 0);
  assert.equal(presence.isOnline("u1"), true);
  presence.disconnect("u1", () => offline.push("u1"));
  assert.deepEqual(offline, ["u1"]);
  assert.equal(presence.isOnline("u1"), false);
});

Deno.test("Presence.disconnect() ignores a user with no sockets", () => {
  const presence = new Presence();
  let calls = 0;
  presence.disconnect("ghost", () => calls++);
  presence.connect("u1");
  presence.disconnect("u1", () => calls++);
  presence.disconnect("u1", () => calls++);
  assert.equal(calls, 1);
  assert.equal(presence.connect("u1"), true);
});

Deno.test("Presence keeps a user online through the grace period and back", () => {
  const clock = new FakeClock();
  const presence = new Presence({ graceMs: 60, ...clock });
  let offline = 0;
  presence.connect("u1");
  presence.disconnect("u1", () => offline++);
  assert.equal(presence.isOnline("u1"), true);
  assert.deepEqual(presence.onlineUsers(), ["u1"]);
  // A new socket within the grace period: no offline, and no new online either.
  assert.equal(presence.connect("u1"), false);
  assert.equal(clock.pending, 0, "the offline timer is cancelled");
  clock.advance(100);
  assert.equal(offline, 0);
  assert.equal(presence.isOnline("u1"), true);

  presence.disconnect("u1", () => offline++);
  clock.advance(59);
  assert.equal(offline, 0, "not before the grace period ends");
  assert.equal(presence.isOnline("u1"), true);
  clock.advance(1);
  assert.equal(offline, 1);
  assert.equal(presence.isOnline("u1"), false);
  assert.equal(presence.connect("u1"), true);
});

Deno.test("Presence.close() drops pending offline announcements", () => {
  const clock = new FakeClock();
  const presence = new Presence({ graceMs: 30, ...clock });
  let offline = 0;
  presence.connect("u1");
  presence.connect("u2");
  presence.disconnect("u1", () => offline++);
  presence.close();
  presence.disconnect("u2", () => offline++);
  assert.equal(clock.pending, 0);
  clock.advance(60);
  assert.equal(offline, 0);
});

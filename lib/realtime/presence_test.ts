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

Deno.test("Presence counts a user online on a peer once, and offline only when neither here nor there, after the settle", () => {
  const clock = new FakeClock();
  const presence = new Presence({ settleMs: 50, ...clock });
  const changes: string[] = [];
  const remote: string[] = [];
  const local: string[] = [];
  presence.onChange((u, on) => changes.push(`${u}:${on}`));
  presence.onRemoteChange((u, on) => remote.push(`${u}:${on}`));
  presence.onLocalChange((u, on) => local.push(`${u}:${on}`));

  // Online on a peer only: online here, told as news from the peers.
  presence.setRemote("u1", true);
  assert.equal(presence.isOnline("u1"), true);
  assert.equal(presence.isLocal("u1"), false);
  assert.deepEqual(presence.localUsers(), []);
  // A socket here too: not online a second time.
  assert.equal(presence.connect("u1"), false);
  assert.deepEqual(presence.onlineUsers(), ["u1"]);
  // The peer drops them: still here.
  presence.setRemote("u1", false);
  assert.equal(presence.isOnline("u1"), true);
  // The last socket here closes: offline only after the settle.
  let offline = 0;
  presence.disconnect("u1", () => offline++);
  clock.advance(49);
  assert.equal(presence.isOnline("u1"), true);
  clock.advance(1);
  assert.equal(offline, 1);
  assert.equal(presence.isOnline("u1"), false);
  assert.deepEqual(changes, ["u1:true", "u1:false"]);
  assert.deepEqual(remote, ["u1:true"]);
  assert.deepEqual(local, ["u1:true", "u1:false"]);
});

Deno.test("Presence: news of a socket on a peer within the settle cancels the offline", () => {
  const clock = new FakeClock();
  const presence = new Presence({ settleMs: 50, ...clock });
  const changes: string[] = [];
  presence.onChange((u, on) => changes.push(`${u}:${on}`));
  let offline = 0;
  presence.connect("u1");
  presence.disconnect("u1", () => offline++);
  clock.advance(30);
  // The user reopened on another instance; its batch arrives now.
  presence.setRemote("u1", true);
  clock.advance(100);
  assert.equal(offline, 0);
  assert.deepEqual(changes, ["u1:true"]);
  // That peer drops them: offline after the settle, told as the peers' news.
  const remote: string[] = [];
  presence.onRemoteChange((u, on) => remote.push(`${u}:${on}`));
  presence.setRemote("u1", false);
  clock.advance(50);
  assert.deepEqual(changes, ["u1:true", "u1:false"]);
  assert.deepEqual(remote, ["u1:false"]);
  // And a socket here within a settle cancels it too.
  presence.setRemote("u2", true);
  presence.setRemote("u2", false);
  assert.equal(presence.connect("u2"), false);
  clock.advance(100);
  assert.equal(presence.isOnline("u2"), true);
});

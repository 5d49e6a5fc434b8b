import assert from "node:assert/strict";
import { Presence } from "./presence.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

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

Deno.test("Presence keeps a user online through the grace period and back", async () => {
  const presence = new Presence({ graceMs: 60 });
  let offline = 0;
  presence.connect("u1");
  presence.disconnect("u1", () => offline++);
  assert.equal(presence.isOnline("u1"), true);
  assert.deepEqual(presence.onlineUsers(), ["u1"]);
  // A new socket within the grace period: no offline, and no new online either.
  assert.equal(presence.connect("u1"), false);
  await delay(100);
  assert.equal(offline, 0);
  assert.equal(presence.isOnline("u1"), true);

  presence.disconnect("u1", () => offline++);
  await delay(20);
  assert.equal(offline, 0, "not before the grace period ends");
  await delay(100);
  assert.equal(offline, 1);
  assert.equal(presence.isOnline("u1"), false);
  assert.equal(presence.connect("u1"), true);
});

Deno.test("Presence.close() drops pending offline announcements", async () => {
  const presence = new Presence({ graceMs: 30 });
  let offline = 0;
  presence.connect("u1");
  presence.connect("u2");
  presence.disconnect("u1", () => offline++);
  presence.close();
  presence.disconnect("u2", () => offline++);
  await delay(60);
  assert.equal(offline, 0);
});

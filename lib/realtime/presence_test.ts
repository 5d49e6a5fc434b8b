import assert from "node:assert/strict";
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
  presence.connect("u1");
  presence.connect("u1");
  assert.equal(presence.disconnect("u1"), false);
  assert.equal(presence.isOnline("u1"), true);
  assert.equal(presence.disconnect("u1"), true);
  assert.equal(presence.isOnline("u1"), false);
});

Deno.test("Presence.disconnect() ignores a user with no sockets", () => {
  const presence = new Presence();
  assert.equal(presence.disconnect("ghost"), false);
  presence.connect("u1");
  presence.disconnect("u1");
  assert.equal(presence.disconnect("u1"), false);
  assert.equal(presence.connect("u1"), true);
});

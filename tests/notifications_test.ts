/** HTTP suite for notification levels and mute, against a real server. */
import assert from "node:assert/strict";
import { type Api, createChannel, signUp, withHearth } from "./helpers/api.ts";
import { defaultLevel, notifies } from "../lib/shared/notifications.ts";

async function listed(api: Api, id: string) {
  const res = await api.get("/channels");
  assert.equal(res.status, 200);
  return res.body.find((c: { id: string }) => c.id === id);
}

Deno.test('channels carry notifications "mentions" and muted false until chosen', async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const created = await ada.api.post("/channels", { name: "room" });
    assert.equal(created.body.notifications, "mentions");
    assert.equal(created.body.muted, false);
    const room = created.body;
    const shown = await listed(ada.api, room.id);
    assert.equal(shown.notifications, "mentions");
    assert.equal(shown.muted, false);
  });
});

Deno.test("PUT /channels/{id}/notifications sets the level and mute separately, for me only", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bob = await signUp(base);
    const room = await createChannel(ada.api, "room");
    assert.equal((await bob.api.post(`/channels/${room.id}/join`)).status, 200);

    const level = await ada.api.send(
      "PUT",
      `/channels/${room.id}/notifications`,
      {
        json: {
          level: "all",
        },
      },
    );
    assert.equal(level.status, 200, JSON.stringify(level.body));
    assert.deepEqual(level.body, { notifications: "all", muted: false });
    const muted = await ada.api.send(
      "PUT",
      `/channels/${room.id}/notifications`,
      {
        json: {
          muted: true,
        },
      },
    );
    // Muting keeps the level, so unmuting brings it back.
    assert.deepEqual(muted.body, { notifications: "all", muted: true });
    const shown = await listed(ada.api, room.id);
    assert.equal(shown.notifications, "all");
    assert.equal(shown.muted, true);
    const unmuted = await ada.api.send(
      "PUT",
      `/channels/${room.id}/notifications`,
      {
        json: {
          muted: false,
        },
      },
    );
    assert.deepEqual(unmuted.body, { notifications: "all", muted: false });

    const theirs = await listed(bob.api, room.id);
    assert.equal(theirs.notifications, "mentions");
    assert.equal(theirs.muted, false);
  });
});

Deno.test("PUT /channels/{id}/notifications refuses bad bodies with 422 and non-members with 403", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const eve = await signUp(base);
    const room = await createChannel(ada.api, "room");
    const path = `/channels/${room.id}/notifications`;
    for (const body of [{}, { level: "loud" }, { muted: "yes" }, [], null]) {
      const res = await ada.api.send("PUT", path, { json: body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(typeof res.body.detail, "string");
    }
    const res = await eve.api.send("PUT", path, { json: { level: "none" } });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, "not_member");
  });
});

Deno.test("leaving a channel forgets its notification setting", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bob = await signUp(base);
    const room = await createChannel(ada.api, "room");
    await bob.api.post(`/channels/${room.id}/join`);
    const path = `/channels/${room.id}/notifications`;
    await bob.api.send("PUT", path, { json: { level: "none", muted: true } });
    assert.equal(
      (await bob.api.post(`/channels/${room.id}/leave`)).status,
      204,
    );
    await bob.api.post(`/channels/${room.id}/join`);
    const shown = await listed(bob.api, room.id);
    assert.equal(shown.notifications, "mentions");
    assert.equal(shown.muted, false);
  });
});

Deno.test('defaultLevel() is "all" for a DM and "mentions" for a channel', () => {
  assert.equal(defaultLevel({ id: "a", kind: "dm" }), "all");
  assert.equal(defaultLevel({ id: "a", kind: "channel" }), "mentions");
  assert.equal(defaultLevel({ id: "a" }), "mentions");
});

Deno.test("notifies() follows the level and says nothing when muted", () => {
  const at = (notifications: "all" | "mentions" | "none", muted = false) => ({
    notifications,
    muted,
  });
  assert.equal(notifies(at("all"), false), true);
  assert.equal(notifies(at("mentions"), false), false);
  assert.equal(notifies(at("mentions"), true), true);
  assert.equal(notifies(at("none"), true), false);
  assert.equal(notifies(at("all", true), true), false);
});

Deno.test('a DM carries notifications "all" until chosen, for each of its people', async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const dm = (await ada.api.post("/dms", { usernames: [bo.username] })).body;
    assert.equal(dm.kind, "dm");
    for (const person of [ada, bo]) {
      const mine = (await person.api.get("/channels")).body;
      const listed = mine.find((c: { id: string }) => c.id === dm.id);
      assert.equal(listed.notifications, "all");
      assert.equal(listed.muted, false);
    }
  });
});

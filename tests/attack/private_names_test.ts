/**
 * A private channel's name is for its members: whatever a non-member tries
 * (reading, posting, joining, adding people, opening its page or socket), the
 * refusal must not tell them what the channel is called.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  request,
  signUp,
  uniqueName,
  withHearth,
} from "../helpers/api.ts";

Deno.test("refusals to a non-member never name a private channel", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const name = uniqueName("merger-plans");
    const room = await createChannel(ada.api, name, { private: true });
    const path = `/channels/${room.id}`;
    const form = new FormData();
    form.append("file", new Blob(["hello"]), "a.txt");
    const tries = [
      await bo.api.get(`${path}/messages`),
      await bo.api.post(`${path}/messages`, { content: "hi" }),
      await bo.api.get(`${path}/members`),
      await bo.api.post(`${path}/members`, { username: bo.username }),
      await bo.api.post(`${path}/read`, { seq: 1 }),
      await bo.api.post(`${path}/join`),
      await bo.api.send("POST", `${path}/files`, { body: form }),
      await request(base, "GET", `/c/${room.id}`, {
        token: bo.token,
        headers: { accept: "text/html" },
      }),
      await request(base, "GET", `/ws/channels/${room.id}?token=${bo.token}`, {
        headers: { upgrade: "websocket", connection: "upgrade" },
      }),
    ];
    for (const res of tries) {
      assert.ok(res.status >= 400, `${res.status} ${JSON.stringify(res.body)}`);
      const text = typeof res.body === "string"
        ? res.body
        : JSON.stringify(res.body);
      assert.ok(!text.includes(name), `${res.status} names it: ${text}`);
    }
    assert.equal(tries[0].body.code, "not_member");
    assert.equal(tries[0].body.detail, "You are not a member of this channel");
    assert.equal(tries[3].body.code, "not_owner");
    assert.equal(tries[5].body.code, "private_channel");
  });
});

Deno.test("a member, or anyone for a public channel, is told the channel's name", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const open = await createChannel(ada.api, uniqueName("lobby"));
    const refused = await bo.api.get(`/channels/${open.id}/messages`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "not_member");
    assert.match(refused.body.detail, new RegExp(open.name));
    const secret = await createChannel(ada.api, uniqueName("hush"), {
      private: true,
    });
    const added = await ada.api.post(`/channels/${secret.id}/members`, {
      username: bo.username,
    });
    assert.equal(added.status, 201);
    const notOwner = await bo.api.post(`/channels/${secret.id}/members`, {
      username: ada.username,
    });
    assert.equal(notOwner.body.code, "not_owner");
    assert.match(notOwner.body.detail, new RegExp(secret.name));
  });
});

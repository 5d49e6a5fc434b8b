/**
 * Managing channels over HTTP and sockets: renaming, topics, deleting (with
 * messages, files and sockets), removing people and leaving, finding people
 * to add, and every open page of a person hearing of channels they gained or
 * lost at once.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  postMessage,
  request,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";

async function generalOf(api: { get(p: string): Promise<{ body: unknown }> }) {
  const channels = (await api.get("/channels")).body as {
    id: string;
    name: string;
  }[];
  return channels.find((c) => c.name === "general")!.id;
}

Deno.test("PATCH /channels/{id}: the owner (or the instance owner) renames and sets the topic; general keeps its name", async () => {
  await withHearth(async ({ base }) => {
    const founder = await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api, uniqueName("room"), {
      private: true,
    });
    await ada.api.post(`/channels/${room.id}/members`, {
      username: bo.username,
    });
    const path = `/channels/${room.id}`;

    const renamed = await ada.api.send("PATCH", path, {
      json: { name: "  plans  ", topic: "what next" },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "plans");
    assert.equal(renamed.body.topic, "what next");
    assert.equal(renamed.body.memberCount, 2);
    const mine = (await bo.api.get("/channels")).body;
    assert.ok(mine.some((c: { name: string }) => c.name === "plans"));

    const notOwner = await bo.api.send("PATCH", path, { json: { topic: "x" } });
    assert.equal(notOwner.status, 403);
    assert.equal(notOwner.body.code, "not_owner");
    // The instance owner manages any channel, even one they are not in.
    const byFounder = await founder.api.send("PATCH", path, {
      json: { topic: "set by the owner" },
    });
    assert.equal(byFounder.status, 200);
    assert.equal(byFounder.body.topic, "set by the owner");
    assert.equal(byFounder.body.name, "plans");

    await createChannel(ada.api, "taken");
    const taken = await ada.api.send("PATCH", path, {
      json: { name: "TAKEN" },
    });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, "channel_exists");
    // Changing only the case of its own name is fine, and frees nothing.
    const cased = await ada.api.send("PATCH", path, {
      json: { name: "Plans" },
    });
    assert.equal(cased.status, 200);
    assert.equal(cased.body.name, "Plans");
    // The old name is free again after a real rename.
    await ada.api.send("PATCH", path, { json: { name: "later" } });
    assert.equal(
      (await ada.api.post("/channels", { name: "plans" })).status,
      201,
    );

    const general = await generalOf(founder.api);
    const rename = await founder.api.send("PATCH", `/channels/${general}`, {
      json: { name: "lobby" },
    });
    assert.equal(rename.status, 409);
    assert.equal(rename.body.code, "channel_protected");
    const topic = await founder.api.send("PATCH", `/channels/${general}`, {
      json: { topic: "everyone" },
    });
    assert.equal(topic.status, 200);

    for (const bad of [{}, { name: "" }, { topic: 5 }, { name: "a\u202eb" }]) {
      const res = await ada.api.send("PATCH", path, { json: bad });
      assert.equal(res.status, 422, JSON.stringify(bad));
    }
    const unknown = await ada.api.send(
      "PATCH",
      `/channels/${crypto.randomUUID()}`,
      {
        json: { topic: "x" },
      },
    );
    assert.equal(unknown.status, 404);
    const anonymous = await request(base, "PATCH", path, {
      json: { topic: "x" },
    });
    assert.equal(anonymous.status, 401);
  });
});

Deno.test("DELETE /channels/{id} removes its messages and files, closes its sockets with 1008, frees its name", async () => {
  await withHearth(async ({ base }) => {
    const founder = await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api, "doomed");
    assert.equal((await bo.api.post(`/channels/${room.id}/join`)).status, 200);
    await postMessage(bo.api, room.id, "hello");
    const form = new FormData();
    form.set("file", new File(["bytes"], "a.txt", { type: "text/plain" }));
    const upload = await request(base, "POST", `/channels/${room.id}/files`, {
      token: bo.token,
      body: form,
    });
    assert.equal(upload.status, 201);
    const fileUrl = `/files/${upload.body.file.id}`;
    assert.equal((await bo.api.get(fileUrl)).status, 200);

    const socket = await FrameSocket.open(base, room.id, bo.token);
    await socket.next("ready");
    const notOwner = await bo.api.send("DELETE", `/channels/${room.id}`, {});
    assert.equal(notOwner.status, 403);
    assert.equal(notOwner.body.code, "not_owner");

    const gone = await ada.api.send("DELETE", `/channels/${room.id}`, {});
    assert.equal(gone.status, 204);
    const frame = await socket.next("channel_removed");
    assert.deepEqual(frame, {
      type: "channel_removed",
      channelId: room.id,
      reason: "deleted",
    });
    assert.equal((await socket.closedWithin()).code, 1008);

    assert.equal(
      (await bo.api.get(`/channels/${room.id}/messages`)).status,
      404,
    );
    assert.equal((await bo.api.get(fileUrl)).status, 404);
    assert.equal(
      (await ada.api.send("DELETE", `/channels/${room.id}`, {})).status,
      404,
    );
    const listed = (await bo.api.get("/channels?scope=all")).body;
    assert.ok(!listed.some((c: { id: string }) => c.id === room.id));
    assert.equal(
      (await ada.api.post("/channels", { name: "doomed" })).status,
      201,
    );

    const general = await generalOf(founder.api);
    const protectedGeneral = await founder.api.send(
      "DELETE",
      `/channels/${general}`,
      {},
    );
    assert.equal(protectedGeneral.status, 409);
    assert.equal(protectedGeneral.body.code, "channel_protected");
    // The instance owner may delete anyone's channel.
    const other = await createChannel(ada.api, uniqueName("other"), {
      private: true,
    });
    assert.equal(
      (await founder.api.send("DELETE", `/channels/${other.id}`, {})).status,
      204,
    );
  });
});

Deno.test("DELETE /channels/{id}/members/{userId}: leave yourself, or the owner removes; sockets close with 1008", async () => {
  await withHearth(async ({ base }) => {
    await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    const cy = await signUp(base);
    const room = await createChannel(ada.api, uniqueName("room"), {
      private: true,
    });
    for (const who of [bo, cy]) {
      await ada.api.post(`/channels/${room.id}/members`, {
        username: who.username,
      });
    }
    const path = (id: string) => `/channels/${room.id}/members/${id}`;
    const byMember = await bo.api.send("DELETE", path(cy.id), {});
    assert.equal(byMember.status, 403);
    assert.equal(byMember.body.code, "not_owner");

    const socket = await FrameSocket.open(base, room.id, bo.token);
    await socket.next("ready");
    assert.equal((await ada.api.send("DELETE", path(bo.id), {})).status, 204);
    const frame = await socket.next("member", (f) => f.userId === bo.id);
    assert.equal(frame.joined, false);
    assert.equal(frame.removed, true);
    assert.equal((await socket.closedWithin()).code, 1008);
    assert.equal(
      (await bo.api.get(`/channels/${room.id}/messages`)).status,
      403,
    );
    // Removing someone who is not in it changes nothing.
    assert.equal((await ada.api.send("DELETE", path(bo.id), {})).status, 204);

    // Leaving oneself needs no standing beyond being signed in.
    assert.equal((await cy.api.send("DELETE", path(cy.id), {})).status, 204);
    const members = (await ada.api.get(`/channels/${room.id}/members`)).body
      .members;
    assert.deepEqual(members.map((m: { id: string }) => m.id), [ada.id]);
    const unknown = await ada.api.send(
      "DELETE",
      `/channels/${crypto.randomUUID()}/members/${bo.id}`,
      {},
    );
    assert.equal(unknown.status, 404);
  });
});

Deno.test("GET /channels/{id}/candidates: the owner finds people to add by the start of their username", async () => {
  await withHearth(async ({ base }) => {
    await signUp(base);
    const ada = await signUp(base);
    const in1 = await signUp(base, `zed_in_${crypto.randomUUID().slice(0, 4)}`);
    const out1 = await signUp(
      base,
      `Zed_out_${crypto.randomUUID().slice(0, 4)}`,
    );
    const room = await createChannel(ada.api, uniqueName("room"), {
      private: true,
    });
    await ada.api.post(`/channels/${room.id}/members`, {
      username: in1.username,
    });
    const found = await ada.api.get(`/channels/${room.id}/candidates?q=ZED`);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.map((u: { id: string }) => u.id), [out1.id]);
    assert.deepEqual(Object.keys(found.body[0]).sort(), [
      "avatarUrl",
      "createdAt",
      "displayName",
      "id",
      "role",
      "status",
      "username",
    ]);
    const none = await ada.api.get(
      `/channels/${room.id}/candidates?q=%E2%80%AE`,
    );
    assert.deepEqual(none.body, []);
    const notOwner = await in1.api.get(`/channels/${room.id}/candidates?q=z`);
    assert.equal(notOwner.status, 403);
    const missing = await ada.api.get(`/channels/${room.id}/candidates`);
    assert.equal(missing.status, 422);
  });
});

Deno.test("every open page of a person hears at once of channels added, renamed, removed and deleted", async () => {
  await withHearth(async ({ base }) => {
    await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    // Bo has a page open on general: its socket is Bo's line to the sidebar.
    const page = await FrameSocket.open(
      base,
      await generalOf(bo.api),
      bo.token,
    );
    await page.next("ready");

    const room = await createChannel(ada.api, "hideout", { private: true });
    await ada.api.post(`/channels/${room.id}/members`, {
      username: bo.username,
    });
    const added = await page.next("channel_added");
    assert.deepEqual(added.channel, {
      id: room.id,
      name: "hideout",
      topic: "",
      private: true,
    });

    await ada.api.send("PATCH", `/channels/${room.id}`, {
      json: { name: "den", topic: "quiet" },
    });
    const updated = await page.next("channel_updated");
    assert.deepEqual(updated.channel, {
      id: room.id,
      name: "den",
      topic: "quiet",
      private: true,
      slowModeSeconds: 0,
      postPolicy: "everyone",
    });

    await ada.api.send("DELETE", `/channels/${room.id}/members/${bo.id}`, {});
    assert.deepEqual(await page.next("channel_removed"), {
      type: "channel_removed",
      channelId: room.id,
      reason: "removed",
    });

    // Back in by an invite, then the channel is deleted.
    const invite = await ada.api.post("/invites", { channelId: room.id });
    await bo.api.post(`/invites/${invite.body.code}/accept`);
    assert.equal((await page.next("channel_added")).channel.name, "den");
    await ada.api.send("DELETE", `/channels/${room.id}`, {});
    assert.deepEqual(await page.next("channel_removed"), {
      type: "channel_removed",
      channelId: room.id,
      reason: "deleted",
    });

    // Leaving from another page is heard too.
    const pub = await createChannel(ada.api, uniqueName("pub"));
    await bo.api.post(`/channels/${pub.id}/join`);
    await page.next("channel_added", (f) => f.channel.id === pub.id);
    await bo.api.post(`/channels/${pub.id}/leave`);
    const left = await page.next("channel_removed");
    assert.equal(left.reason, "left");
    await page.close();
  });
});

Deno.test("DELETE /channels/{id}/members/{userId} with an id no user can have changes nothing", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api, uniqueName("room"));
    const res = await ada.api.send(
      "DELETE",
      `/channels/${room.id}/members/${"a".repeat(3000)}`,
      {},
    );
    assert.equal(res.status, 204);
  });
});

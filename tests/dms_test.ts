/**
 * Direct messages over HTTP and the socket: opening one (the same people
 * always get the same DM, even asking at once), `kind`, and the rules that
 * keep a DM's people fixed: nobody joins, is added or invited, leaves,
 * renames or deletes it; browsing never lists it.
 */
import assert from "node:assert/strict";
import {
  FrameSocket,
  postMessage,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";

Deno.test("POST /dms opens a DM once per set of people; kind and people say what it is", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const cy = await signUp(base);
    const opened = await ada.api.post("/dms", { usernames: [bo.username] });
    assert.equal(opened.status, 201);
    const dm = opened.body;
    assert.equal(dm.kind, "dm");
    assert.equal(dm.private, true);
    assert.equal(dm.memberCount, 2);
    assert.deepEqual(
      dm.people.map((p: { id: string }) => p.id).sort(),
      [ada.id, bo.id].sort(),
    );
    // The same people, from the other side, in another case: the same DM.
    const again = await bo.api.post("/dms", {
      usernames: [ada.username.toUpperCase(), bo.username],
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, dm.id);
    const group = await ada.api.post("/dms", {
      usernames: [bo.username, cy.username],
    });
    assert.equal(group.status, 201);
    assert.notEqual(group.body.id, dm.id);
    assert.equal(group.body.memberCount, 3);

    const mine = (await bo.api.get("/channels")).body;
    const kinds = Object.fromEntries(
      mine.map((c: { id: string; kind: string }) => [c.id, c.kind]),
    );
    assert.equal(kinds[dm.id], "dm");
    assert.ok(mine.some((c: { kind: string }) => c.kind === "channel"));
    const browse = (await bo.api.get("/channels?scope=all")).body;
    assert.ok(!browse.some((c: { kind: string }) => c.kind === "dm"));

    // Messages and the socket work as in any channel.
    const socket = await FrameSocket.open(base, dm.id, bo.token);
    await socket.next("ready");
    const sent = await postMessage(ada.api, dm.id, "hi bo");
    assert.equal((await socket.message(sent.seq)).content, "hi bo");
    await socket.close();
    assert.equal((await cy.api.get(`/channels/${dm.id}/messages`)).status, 403);

    for (
      const [body, status] of [
        [{ usernames: [] }, 422],
        [{ usernames: [ada.username] }, 422],
        [{ usernames: Array.from({ length: 10 }, (_, i) => `x${i}yz`) }, 422],
        [{ usernames: ["nobody_here"] }, 404],
        [{ usernames: "bo" }, 422],
        [{}, 422],
      ] as const
    ) {
      const res = await ada.api.post("/dms", body);
      assert.equal(res.status, status, JSON.stringify(body));
    }
    const anonymous = await request(base, "POST", "/dms", {
      json: { usernames: [bo.username] },
    });
    assert.equal(anonymous.status, 401);
  });
});

Deno.test("POST /dms: the same people asking at once get one DM", async () => {
  await withHearth(async ({ base }) => {
    const people = await Promise.all(
      Array.from({ length: 4 }, () => signUp(base)),
    );
    const names = people.map((p) => p.username);
    const results = await Promise.all(
      people.flatMap((p) => [
        p.api.post("/dms", { usernames: names }),
        p.api.post("/dms", { usernames: [...names].reverse() }),
      ]),
    );
    const ids = new Set(results.map((r) => r.body.id));
    assert.equal(ids.size, 1);
    assert.deepEqual(
      results.map((r) => r.status).sort(),
      [200, 200, 200, 200, 200, 200, 200, 201],
    );
    assert.equal(results[0].body.memberCount, 4);
  });
});

Deno.test("a DM keeps its people: no join, add, invite, leave, removal, rename or deletion", async () => {
  await withHearth(async ({ base }) => {
    const founder = await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    const dm = (await ada.api.post("/dms", { usernames: [bo.username] })).body;
    const path = `/channels/${dm.id}`;
    const refusals = [
      await ada.api.post(`${path}/join`),
      await ada.api.post(`${path}/members`, { username: founder.username }),
      await ada.api.get(`${path}/candidates?q=a`),
      await ada.api.post("/invites", { channelId: dm.id }),
      await ada.api.post(`${path}/leave`),
      await ada.api.send("DELETE", `${path}/members/${ada.id}`, {}),
      await ada.api.send("DELETE", `${path}/members/${bo.id}`, {}),
      await ada.api.send("PATCH", path, { json: { topic: "x" } }),
      await ada.api.send("DELETE", path, {}),
      await founder.api.send("DELETE", path, {}),
    ];
    for (const res of refusals) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.code, "direct_message");
    }
    // Outsiders hear only that it is private, as for any private channel.
    const outside = await founder.api.post(`${path}/join`);
    assert.equal(outside.status, 403);
    assert.equal(outside.body.code, "private_channel");
    assert.equal(
      (await ada.api.get(`${path}/members`)).body.members.length,
      2,
    );
  });
});

Deno.test("a new DM shows up live on its people's open pages", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const general = (await bo.api.get("/channels")).body[0].id;
    const page = await FrameSocket.open(base, general, bo.token);
    await page.next("ready");
    const dm = (await ada.api.post("/dms", { usernames: [bo.username] })).body;
    const added = await page.next("channel_added");
    assert.equal(added.channel.id, dm.id);
    await page.close();
  });
});

Deno.test("in a DM each person deletes only their own messages: whoever opened it is no owner", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const dm = (await ada.api.post("/dms", { usernames: [bo.username] })).body;
    const bos = await postMessage(bo.api, dm.id, "mine to keep");
    const refused = await ada.api.send(
      "DELETE",
      `/channels/${dm.id}/messages/${bos.seq}`,
      {},
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "not_author");
    const adas = await postMessage(ada.api, dm.id, "mine to drop");
    const own = await ada.api.send(
      "DELETE",
      `/channels/${dm.id}/messages/${adas.seq}`,
      {},
    );
    assert.equal(own.status, 204);
  });
});

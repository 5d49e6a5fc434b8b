/**
 * Timeouts over HTTP and sockets: who may time whom out, and that a
 * timed-out person reads but cannot post, edit, react, upload or open a DM
 * (403 `timed_out` with `until`, an `error` frame on a socket already open)
 * until the timeout is lifted.
 */
import assert from "node:assert/strict";
import {
  type Api,
  createChannel,
  FrameSocket,
  postMessage,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";

function putTimeout(api: Api, userId: string, body: unknown) {
  return api.send("PUT", `/timeouts/${userId}`, { json: body });
}

Deno.test("PUT/DELETE /timeouts/{userId}: a timed-out person reads but cannot write, over HTTP and an open socket", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const moderator = await signUp(base, uniqueName("mod"));
    const bo = await signUp(base, uniqueName("bo"));
    await owner.api.send("PATCH", `/users/${moderator.id}`, {
      json: { role: "moderator" },
    });
    const room = await createChannel(bo.api, uniqueName("room"));
    const said = await postMessage(bo.api, room.id, "before");
    const socket = await FrameSocket.open(base, room.id, bo.token);
    try {
      await socket.next("ready");
      const set = await putTimeout(moderator.api, bo.id, {
        seconds: 600,
        reason: "  cool off  ",
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.userId, bo.id);
      assert.equal(set.body.reason, "cool off");
      const until = set.body.until as string;
      assert.ok(Date.parse(until) > Date.now() + 590_000);

      const path = `/channels/${room.id}/messages`;
      const form = new FormData();
      form.set("file", new File(["hi"], "a.txt", { type: "text/plain" }));
      const refused = [
        await bo.api.post(path, { content: "after" }),
        await bo.api.send("PATCH", `${path}/${said.seq}`, {
          json: { content: "edited" },
        }),
        await bo.api.send(
          "PUT",
          `${path}/${said.seq}/reactions/%F0%9F%91%8D`,
          {},
        ),
        await bo.api.send("POST", `/channels/${room.id}/files`, { body: form }),
        await bo.api.post("/dms", { usernames: [owner.username] }),
      ];
      for (const res of refused) {
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(res.body.code, "timed_out");
        assert.equal(res.body.until, until);
      }
      // Reading still works.
      assert.equal((await bo.api.get(path)).status, 200);
      socket.send({
        type: "message",
        content: "over the socket",
        clientId: "c1",
      });
      const frame = await socket.next("error");
      assert.equal(frame.code, "timed_out");
      assert.equal(frame.until, until);
      assert.equal(frame.clientId, "c1");

      const lifted = await moderator.api.send(
        "DELETE",
        `/timeouts/${bo.id}`,
        {},
      );
      assert.equal(lifted.status, 204);
      assert.equal((await bo.api.post(path, { content: "free" })).status, 201);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("timeouts: moderators and above, only on lower ranks; bodies are checked", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const admin = await signUp(base, uniqueName("admin"));
    const moderator = await signUp(base, uniqueName("mod"));
    const member = await signUp(base, uniqueName("member"));
    for (
      const [who, role] of [[admin, "admin"], [moderator, "moderator"]] as const
    ) {
      await owner.api.send("PATCH", `/users/${who.id}`, { json: { role } });
    }
    const body = { seconds: 60 };
    const refused = [
      await putTimeout(member.api, moderator.id, body),
      await putTimeout(member.api, owner.id, body),
      await putTimeout(moderator.api, admin.id, body),
      await putTimeout(admin.api, owner.id, body),
      await putTimeout(moderator.api, moderator.id, body),
      await member.api.send("DELETE", `/timeouts/${moderator.id}`, {}),
    ];
    for (const res of refused) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.code, "forbidden_role");
    }
    assert.equal((await putTimeout(admin.api, moderator.id, body)).status, 200);
    assert.equal((await putTimeout(owner.api, admin.id, body)).status, 200);
    const unknown = await putTimeout(owner.api, crypto.randomUUID(), body);
    assert.equal(unknown.status, 404);
    for (
      const bad of [
        {},
        { seconds: 0 },
        { seconds: 1.5 },
        { seconds: 29 * 86400 },
        { seconds: 60, reason: "x".repeat(501) },
        [],
      ]
    ) {
      const res = await putTimeout(owner.api, member.id, bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
    }
  });
});

Deno.test("a timeout ends by itself", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const bo = await signUp(base, uniqueName("bo"));
    const room = await createChannel(bo.api, uniqueName("room"));
    assert.equal(
      (await putTimeout(owner.api, bo.id, { seconds: 1 })).status,
      200,
    );
    const path = `/channels/${room.id}/messages`;
    assert.equal((await bo.api.post(path, { content: "no" })).status, 403);
    const posted = await waitFor(async () => {
      const res = await bo.api.post(path, { content: "yes" });
      return res.status === 201;
    }, { what: "a post once the timeout ended", intervalMs: 100 });
    assert.ok(posted);
  });
});

Deno.test("GET /timeouts: moderators and above list the timeouts in force", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const moderator = await signUp(base, uniqueName("mod"));
    const bo = await signUp(base, uniqueName("bo"));
    const cy = await signUp(base, uniqueName("cy"));
    await owner.api.send("PATCH", `/users/${moderator.id}`, {
      json: { role: "moderator" },
    });
    assert.deepEqual((await moderator.api.get("/timeouts")).body, []);
    await putTimeout(moderator.api, bo.id, { seconds: 600, reason: "calm" });
    await putTimeout(moderator.api, cy.id, { seconds: 600 });
    const listed = await moderator.api.get("/timeouts");
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.map((t: { userId: string }) => t.userId).sort(),
      [bo.id, cy.id].sort(),
    );
    const bos = listed.body.find((t: { userId: string }) => t.userId === bo.id);
    assert.equal(bos.reason, "calm");
    assert.equal(bos.by, moderator.id);
    await moderator.api.send("DELETE", `/timeouts/${cy.id}`, {});
    assert.deepEqual(
      (await owner.api.get("/timeouts")).body.map((t: { userId: string }) =>
        t.userId
      ),
      [bo.id],
    );
    assert.equal((await bo.api.get("/timeouts")).status, 403);
  });
});

/**
 * Blocks over HTTP and the socket: blocking ends friendships and requests,
 * and a block refuses friend requests, opening DMs and writing into a
 * two-person DM, both ways (403 `blocked`), until it is lifted. Group DMs and
 * channels stay open.
 */
import assert from "node:assert/strict";
import {
  FrameSocket,
  postMessage,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";

type Res = { status: number; body: { code?: string } | null };
const code = async (res: Promise<Res>) => {
  const { status, body } = await res;
  return `${status} ${body?.code ?? ""}`.trim();
};

Deno.test("PUT, GET and DELETE /blocks block, list and unblock; blocking ends a friendship", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const cy = await signUp(base);
    await ada.api.post("/friends", { username: bo.username });
    await bo.api.send("PUT", `/friends/${ada.id}`, {});
    await cy.api.post("/friends", { username: ada.username });

    assert.equal(
      await code(ada.api.send("PUT", `/blocks/${bo.id}`, {})),
      "204",
    );
    assert.equal(
      await code(ada.api.send("PUT", `/blocks/${bo.id}`, {})),
      "204",
    );
    assert.equal(
      await code(ada.api.send("PUT", `/blocks/${cy.id}`, {})),
      "204",
    );
    const blocked = (await ada.api.get("/blocks")).body;
    assert.deepEqual(
      blocked.map((b: { id: string }) => b.id).sort(),
      [bo.id, cy.id].sort(),
    );
    assert.equal(typeof blocked[0].blockedAt, "string");
    assert.equal(blocked[0].passwordHash, undefined);
    // Friendship and request are gone on both sides.
    for (const api of [ada.api, bo.api, cy.api]) {
      const lists = (await api.get("/friends")).body;
      assert.deepEqual([lists.friends, lists.incoming, lists.outgoing], [
        [],
        [],
        [],
      ]);
    }
    // Only the blocker's list holds the block.
    assert.deepEqual((await bo.api.get("/blocks")).body, []);

    assert.equal(
      await code(ada.api.send("DELETE", `/blocks/${bo.id}`, {})),
      "204",
    );
    assert.equal(
      await code(ada.api.send("DELETE", `/blocks/${bo.id}`, {})),
      "204",
    );
    assert.deepEqual(
      (await ada.api.get("/blocks")).body.map((b: { id: string }) => b.id),
      [cy.id],
    );
    // Unblocking does not bring the friendship back.
    assert.deepEqual((await ada.api.get("/friends")).body.friends, []);

    assert.equal(
      await code(ada.api.send("PUT", `/blocks/${ada.id}`, {})),
      "422 self",
    );
    assert.equal(
      await code(ada.api.send("PUT", `/blocks/${crypto.randomUUID()}`, {})),
      "404 user_not_found",
    );
    assert.equal(
      await code(ada.api.send("DELETE", `/blocks/${crypto.randomUUID()}`, {})),
      "404 user_not_found",
    );
    for (const method of ["GET", "PUT", "DELETE"]) {
      const path = method === "GET" ? "/blocks" : `/blocks/${bo.id}`;
      assert.equal((await request(base, method, path)).status, 401, method);
    }
  });
});

Deno.test("a block refuses friend requests both ways until it is lifted", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    await ada.api.send("PUT", `/blocks/${bo.id}`, {});
    assert.equal(
      await code(bo.api.post("/friends", { username: ada.username })),
      "403 blocked",
    );
    const mine = await ada.api.post("/friends", { username: bo.username });
    assert.equal(await code(Promise.resolve(mine)), "403 blocked");
    assert.match(mine.body.detail, /unblock/);
    await ada.api.send("DELETE", `/blocks/${bo.id}`, {});
    assert.equal(
      await code(bo.api.post("/friends", { username: ada.username })),
      "201",
    );
  });
});

Deno.test("a block refuses opening DMs and writing into a two-person DM, both ways", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const cy = await signUp(base);
    const dm = (await bo.api.post("/dms", { usernames: [ada.username] })).body;
    const group = (await bo.api.post("/dms", {
      usernames: [ada.username, cy.username],
    })).body;
    const first = await postMessage(bo.api, dm.id, "before the block");
    await ada.api.send("PUT", `/blocks/${bo.id}`, {});

    const attempts = [
      [bo, [ada.username]],
      [bo, [ada.username, cy.username]],
      [ada, [bo.username]],
    ] as const;
    for (const [who, usernames] of attempts) {
      assert.equal(
        await code(who.api.post("/dms", { usernames })),
        "403 blocked",
        `${who.username} -> ${usernames}`,
      );
    }
    // Someone else may still reach both in a group DM (the one bo opened).
    const again = await cy.api.post("/dms", {
      usernames: [ada.username, bo.username],
    });
    assert.deepEqual([again.status, again.body.id], [200, group.id]);

    const path = `/channels/${dm.id}/messages`;
    for (const who of [bo, ada]) {
      assert.equal(
        await code(who.api.post(path, { content: "hello?" })),
        "403 blocked",
      );
    }
    assert.equal(
      await code(bo.api.send("PATCH", `${path}/${first.seq}`, {
        json: { content: "edited" },
      })),
      "403 blocked",
    );
    assert.equal(
      await code(ada.api.send(
        "PUT",
        `${path}/${first.seq}/reactions/${encodeURIComponent("👍")}`,
        {},
      )),
      "403 blocked",
    );
    const form = new FormData();
    form.set("file", new File(["hi"], "a.txt", { type: "text/plain" }));
    assert.equal(
      await code(bo.api.send("POST", `/channels/${dm.id}/files`, {
        body: form,
      })),
      "403 blocked",
    );
    // Reading stays open, and the group DM takes messages from both.
    assert.equal((await bo.api.get(path)).status, 200);
    await postMessage(bo.api, group.id, "group is fine");
    await postMessage(ada.api, group.id, "yes");

    // Over the socket: an error frame for that message, the socket stays open.
    const socket = await FrameSocket.open(base, dm.id, bo.token);
    try {
      await socket.next("ready");
      socket.send({ type: "message", content: "via socket", clientId: "c1" });
      const refused = await socket.next("error");
      assert.equal(refused.code, "blocked");
      assert.equal(refused.clientId, "c1");
    } finally {
      await socket.close();
    }

    await ada.api.send("DELETE", `/blocks/${bo.id}`, {});
    assert.equal((await bo.api.post(path, { content: "back" })).status, 201);
    assert.equal(
      (await bo.api.post("/dms", { usernames: [ada.username] })).status,
      200,
    );
  });
});

/**
 * Bans over HTTP and sockets: admins and above ban people of a lower role;
 * every token of the banned person stops at once, their open sockets close
 * with 1008, login answers 403 `banned`, and an unban lets them back.
 */
import assert from "node:assert/strict";
import {
  type Api,
  createChannel,
  FrameSocket,
  request,
  signIn,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import { withDeadline } from "./helpers/deadline.ts";

function ban(api: Api, userId: string, body: unknown = {}) {
  return api.send("PUT", `/bans/${userId}`, { json: body });
}

Deno.test("PUT /bans/{userId}: tokens stop, sockets close with 1008, login is 403 banned; DELETE lets them back", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const bo = await signUp(base, uniqueName("bo"));
    const second = await signIn(base, bo.username, bo.password);
    const room = await createChannel(bo.api, uniqueName("room"));
    const socket = await FrameSocket.open(base, room.id, bo.token);
    await socket.next("ready");
    const banned = await ban(owner.api, bo.id, { reason: "spam" });
    assert.equal(banned.status, 200, JSON.stringify(banned.body));
    assert.equal(banned.body.user.id, bo.id);
    assert.equal(banned.body.reason, "spam");
    const closed = await withDeadline(
      socket.closed,
      1000,
      "the banned socket closing",
    );
    assert.equal(closed.code, 1008);
    for (const token of [bo.token, second]) {
      const me = await request(base, "GET", "/me", { token });
      assert.equal(me.status, 401);
    }
    const login = await request(base, "POST", "/auth/login", {
      json: { username: bo.username, password: bo.password },
    });
    assert.equal(login.status, 403);
    assert.equal(login.body.code, "banned");
    const wrong = await request(base, "POST", "/auth/login", {
      json: { username: bo.username, password: "not the password" },
    });
    assert.equal(
      wrong.status,
      401,
      "a wrong password tells nothing of the ban",
    );

    const list = await owner.api.get("/bans");
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((b: { user: { id: string } }) => b.user.id),
      [bo.id],
    );

    assert.equal(
      (await owner.api.send("DELETE", `/bans/${bo.id}`, {})).status,
      204,
    );
    assert.deepEqual((await owner.api.get("/bans")).body, []);
    const back = await signIn(base, bo.username, bo.password);
    assert.equal(
      (await request(base, "GET", "/me", { token: back })).status,
      200,
    );
  });
});

Deno.test("bans: admins and above, never on an equal or higher role; bodies are checked", async () => {
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
    const refused = [
      await ban(moderator.api, member.id),
      await ban(member.api, moderator.id),
      await ban(admin.api, owner.id),
      await ban(admin.api, admin.id),
      await moderator.api.get("/bans"),
      await moderator.api.send("DELETE", `/bans/${member.id}`, {}),
    ];
    for (const res of refused) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.code, "forbidden_role");
    }
    assert.equal((await ban(admin.api, moderator.id)).status, 200);
    assert.equal((await ban(owner.api, admin.id)).status, 200);
    assert.equal((await ban(owner.api, crypto.randomUUID())).status, 404);
    for (const bad of [{ reason: 5 }, { reason: "x".repeat(501) }, []]) {
      assert.equal((await ban(owner.api, member.id, bad)).status, 422);
    }
  });
});

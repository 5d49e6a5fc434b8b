/**
 * Invite links over HTTP: making, looking up, listing, revoking and accepting
 * them, signing up with one in `invite` mode, and uses counted exactly under
 * concurrency.
 */
import assert from "node:assert/strict";
import { inviteKey } from "../lib/db/_keys.ts";
import type { InviteRecord } from "../lib/db/invites.ts";
import {
  Api,
  createChannel,
  request,
  signIn,
  signUp,
  type TestServer,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";

const PASSWORD = "correct horse battery";
const INVITE_ONLY = ["--registration", "invite"];

function register(
  base: string,
  invite: string | undefined,
  username = uniqueName(),
) {
  return request(base, "POST", "/auth/register", {
    json: { username, password: PASSWORD, invite },
  });
}

/** Signs up with an invite and signs in. */
async function joinWith(base: string, invite: string) {
  const username = uniqueName("guest");
  const res = await register(base, invite, username);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const token = await signIn(base, username, PASSWORD);
  return { id: res.body.id as string, username, api: new Api(base, token) };
}

async function makeInvite(api: Api, body: object = {}) {
  const res = await api.post("/invites", body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Rewrites a stored invite, as time or other people would have changed it. */
async function alterInvite(
  server: TestServer,
  code: string,
  change: Partial<InviteRecord>,
) {
  const kv = server.services.kv;
  const entry = await kv.get<InviteRecord>(inviteKey(code));
  await kv.set(entry.key, { ...entry.value!, ...change });
}

Deno.test("POST /invites makes an unguessable invite, for the instance or a channel I am in", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const plain = await makeInvite(owner.api);
    assert.match(plain.code, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(plain.url, `${base}/invite/${plain.code}`);
    assert.deepEqual(
      { ...plain, code: "", url: "", createdAt: "" },
      {
        code: "",
        url: "",
        createdAt: "",
        channelId: null,
        maxUses: null,
        uses: 0,
        expiresAt: null,
        createdBy: owner.id,
      },
    );
    const room = await createChannel(owner.api, uniqueName("room"), {
      private: true,
    });
    const before = Date.now();
    const limited = await makeInvite(owner.api, {
      channelId: room.id,
      maxUses: 5,
      expiresInSeconds: 3600,
    });
    assert.equal(limited.channelId, room.id);
    assert.equal(limited.maxUses, 5);
    const expires = Date.parse(limited.expiresAt);
    assert.ok(
      expires >= before + 3600_000 - 1000 && expires <= Date.now() + 3600_000,
    );

    const stranger = await signUp(base);
    const notMine = await stranger.api.post("/invites", { channelId: room.id });
    assert.equal(notMine.status, 403);
    assert.equal(notMine.body.code, "not_member");
    assert.ok(!notMine.body.detail.includes(room.name), "private name leaked");
    const unknown = await stranger.api.post("/invites", {
      channelId: crypto.randomUUID(),
    });
    assert.equal(unknown.status, 404);
    for (
      const bad of [
        { maxUses: 0 },
        { maxUses: 1.5 },
        { maxUses: 1001 },
        { expiresInSeconds: 59 },
        { expiresInSeconds: 31 * 86400 },
        { channelId: 7 },
        { channelId: "" },
      ]
    ) {
      const res = await owner.api.post("/invites", bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.equal(res.body.code, "validation_failed");
    }
    const anonymous = await request(base, "POST", "/invites", { json: {} });
    assert.equal(anonymous.status, 401);
  });
});

Deno.test("GET /invites/{code} needs no token: who invites, to what, and whether it works", async () => {
  await withHearth(async (server) => {
    const { base } = server;
    const owner = await signUp(base);
    await owner.api.send("PATCH", "/me", { json: { displayName: "Ada L." } });
    const room = await createChannel(owner.api, "secret-plans", {
      private: true,
    });
    const invite = await makeInvite(owner.api, { channelId: room.id });
    const seen = await request(base, "GET", `/invites/${invite.code}`);
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body, {
      code: invite.code,
      channel: { id: room.id, name: "secret-plans" },
      inviter: { displayName: "Ada L." },
      expiresAt: null,
      valid: true,
    });
    await alterInvite(server, invite.code, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const expired = await request(base, "GET", `/invites/${invite.code}`);
    assert.equal(expired.status, 200);
    assert.equal(expired.body.valid, false);
    // An invite that no longer opens the channel does not name it either.
    assert.equal(expired.body.channel, null);
    for (const code of ["AAAAAAAAAAAAAAAAAAAAAA", "short", "x".repeat(500)]) {
      const res = await request(base, "GET", `/invites/${code}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.code, "invite_not_found");
    }
  });
});

Deno.test("invite mode: signing up with an invite joins its channel; bad invites are 404 and 410, before any name check", async () => {
  await withHearth(async (server) => {
    const { base } = server;
    const owner = await signUp(base, uniqueName("owner"));
    const room = await createChannel(owner.api, uniqueName("room"), {
      private: true,
    });
    const invite = await makeInvite(owner.api, {
      channelId: room.id,
      maxUses: 2,
    });
    const guest = await joinWith(base, invite.code);
    const mine = (await guest.api.get("/channels")).body.map((
      c: { name: string },
    ) => c.name).sort();
    assert.deepEqual(mine, ["general", room.name].sort());
    const members = await owner.api.get(`/channels/${room.id}/members`);
    assert.equal(members.body.members.length, 2);

    // A taken name with a bad invite hears about the invite, not the name.
    const unknown = await register(
      base,
      "AAAAAAAAAAAAAAAAAAAAAA",
      guest.username,
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "invite_not_found");
    // With a good invite, a taken name is a 409, and the use is not spent.
    const taken = await register(base, invite.code, guest.username);
    assert.equal(taken.status, 409);
    assert.equal((await owner.api.get("/invites")).body[0].uses, 1);

    await joinWith(base, invite.code);
    const usedUp = await register(base, invite.code, guest.username);
    assert.equal(usedUp.status, 410);
    assert.equal(usedUp.body.code, "invite_expired");
    assert.equal((await owner.api.get("/invites")).body[0].uses, 2);

    const later = await makeInvite(owner.api);
    await alterInvite(server, later.code, {
      expiresAt: new Date(Date.now() - 1).toISOString(),
    });
    const expired = await register(base, later.code);
    assert.equal(expired.status, 410);
    assert.equal(expired.body.code, "invite_expired");
    const none = await register(base, undefined);
    assert.equal(none.status, 403);
    assert.equal(none.body.code, "invite_required");
  }, INVITE_ONLY);
});

Deno.test("an invite is never used more often than maxUses, however many sign up at once", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const room = await createChannel(owner.api, uniqueName("room"));
    const invite = await makeInvite(owner.api, {
      channelId: room.id,
      maxUses: 3,
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => register(base, invite.code)),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, ...Array(9).fill(410)]);
    const [stored] = (await owner.api.get("/invites")).body;
    assert.equal(stored.uses, 3);
    const members = await owner.api.get(`/channels/${room.id}/members`);
    assert.equal(members.body.members.length, 4);

    // Accepting races the same way.
    const second = await makeInvite(owner.api, {
      channelId: room.id,
      maxUses: 2,
    });
    const door = await makeInvite(owner.api);
    const people = await Promise.all(
      Array.from({ length: 6 }, () => joinWith(base, door.code)),
    );
    const accepted = await Promise.all(
      people.map((p) => p.api.post(`/invites/${second.code}/accept`)),
    );
    assert.deepEqual(
      accepted.map((r) => r.status).sort(),
      [200, 200, 410, 410, 410, 410],
    );
  }, INVITE_ONLY);
});

Deno.test("GET /invites lists mine (all of them for the owner); DELETE revokes (creator or owner)", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    const adas = await makeInvite(ada.api);
    const bos = await makeInvite(bo.api);
    const codes = (r: { body: { code: string }[] }) =>
      r.body.map((i) => i.code).sort();
    assert.deepEqual(codes(await ada.api.get("/invites")), [adas.code]);
    assert.deepEqual(
      codes(await owner.api.get("/invites")),
      [adas.code, bos.code].sort(),
    );
    const notYours = await bo.api.send("DELETE", `/invites/${adas.code}`, {});
    assert.equal(notYours.status, 403);
    assert.equal(notYours.body.code, "not_invite_owner");
    assert.equal(
      (await ada.api.send("DELETE", `/invites/${adas.code}`, {})).status,
      204,
    );
    assert.equal(
      (await owner.api.send("DELETE", `/invites/${bos.code}`, {})).status,
      204,
    );
    for (const code of [adas.code, bos.code]) {
      assert.equal(
        (await request(base, "GET", `/invites/${code}`)).status,
        404,
      );
      const again = await owner.api.send("DELETE", `/invites/${code}`, {});
      assert.equal(again.status, 404);
    }
    assert.deepEqual((await owner.api.get("/invites")).body, []);
    assert.equal((await request(base, "GET", "/invites")).status, 401);
  }, ["--registration", "open"]);
});

Deno.test("POST /invites/{code}/accept joins a private channel once; a departed inviter's invite stops working", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const room = await createChannel(owner.api, uniqueName("room"), {
      private: true,
    });
    const invite = await makeInvite(owner.api, { channelId: room.id });
    const guest = await signUp(base);
    const joined = await guest.api.post(`/invites/${invite.code}/accept`);
    assert.equal(joined.status, 200);
    assert.equal(joined.body.id, room.id);
    assert.equal(joined.body.joined, true);
    assert.equal(joined.body.memberCount, 2);
    const again = await guest.api.post(`/invites/${invite.code}/accept`);
    assert.equal(again.status, 200);
    assert.equal((await owner.api.get("/invites")).body[0].uses, 1);
    assert.equal(
      (await request(base, "POST", `/invites/${invite.code}/accept`)).status,
      401,
    );
    const unknown = await guest.api.post(
      "/invites/AAAAAAAAAAAAAAAAAAAAAA/accept",
    );
    assert.equal(unknown.status, 404);

    // An invite speaks for its maker: once they have left, it opens nothing.
    const member = await signUp(base);
    await owner.api.post(`/channels/${room.id}/members`, {
      username: member.username,
    });
    const theirs = await makeInvite(member.api, { channelId: room.id });
    await member.api.post(`/channels/${room.id}/leave`);
    const late = await signUp(base);
    const refused = await late.api.post(`/invites/${theirs.code}/accept`);
    assert.equal(refused.status, 410);
    assert.equal(
      (await request(base, "GET", `/invites/${theirs.code}`)).body.valid,
      false,
    );

    // An invite to the instance answers general, which everyone is in.
    const plain = await makeInvite(owner.api);
    const general = await late.api.post(`/invites/${plain.code}/accept`);
    assert.equal(general.status, 200);
    assert.equal(general.body.name, "general");
  }, ["--registration", "open"]);
});

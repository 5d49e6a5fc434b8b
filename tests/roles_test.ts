/**
 * Instance roles over HTTP: who may give whom which role, handing the
 * ownership on (exactly one owner, even under racing transfers), listing
 * people, and what moderators and admins may do in channels not theirs.
 */
import assert from "node:assert/strict";
import {
  type Api,
  createChannel,
  postMessage,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";

function setRole(api: Api, userId: string, role: unknown) {
  return api.send("PATCH", `/users/${userId}`, { json: { role } });
}

/** The owner (first account), an admin, a moderator and two members. */
async function staff(base: string) {
  const owner = await signUp(base, uniqueName("owner"));
  const admin = await signUp(base, uniqueName("admin"));
  const moderator = await signUp(base, uniqueName("mod"));
  const member = await signUp(base, uniqueName("member"));
  const other = await signUp(base, uniqueName("other"));
  assert.equal((await setRole(owner.api, admin.id, "admin")).status, 200);
  assert.equal(
    (await setRole(owner.api, moderator.id, "moderator")).status,
    200,
  );
  return { owner, admin, moderator, member, other };
}

Deno.test("PATCH /users/{id}: the owner sets any role below owner; an admin only moderator/member on those below admin", async () => {
  await withHearth(async ({ base }) => {
    const { owner, admin, moderator, member, other } = await staff(base);
    const made = await setRole(admin.api, member.id, "moderator");
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.role, "moderator");
    assert.equal(made.body.id, member.id);
    assert.equal((await member.api.get("/me")).body.role, "moderator");
    assert.equal(
      (await setRole(admin.api, member.id, "member")).body.role,
      "member",
    );

    const refused = [
      await setRole(admin.api, other.id, "admin"), // not above their own rank - 1
      await setRole(admin.api, owner.id, "member"), // nobody changes the owner
      await setRole(owner.api, owner.id, "member"), // not even the owner
      await setRole(moderator.api, member.id, "moderator"), // below admin
      await setRole(member.api, other.id, "moderator"),
      await setRole(admin.api, admin.id, "moderator"), // not on an equal
      await setRole(admin.api, other.id, "owner"), // only the owner hands it on
    ];
    for (const res of refused) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.code, "forbidden_role");
    }
    const second = await setRole(owner.api, other.id, "admin");
    assert.equal(second.body.role, "admin");
    assert.equal((await setRole(admin.api, other.id, "member")).status, 403);
    assert.equal(
      (await setRole(owner.api, other.id, "member")).body.role,
      "member",
    );

    const bad = await setRole(owner.api, member.id, "superuser");
    assert.equal(bad.status, 422);
    const unknown = await setRole(owner.api, crypto.randomUUID(), "member");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "user_not_found");
  });
});

Deno.test("ownership transfer: the owner becomes an admin in the same step; of racing transfers exactly one wins", async () => {
  await withHearth(async ({ base }) => {
    const { owner, admin, member, other } = await staff(base);
    const results = await Promise.all([
      setRole(owner.api, member.id, "owner"),
      setRole(owner.api, other.id, "owner"),
    ]);
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.body)));
    const lost = results.find((r) => r.status !== 200)!;
    assert.equal(lost.status, 403);
    assert.equal(lost.body.code, "forbidden_role");
    assert.equal((await owner.api.get("/me")).body.role, "admin");
    const newOwner = won[0].body.id === member.id ? member : other;
    const people = await newOwner.api.get("/users?limit=200");
    assert.equal(people.status, 200);
    const owners = people.body.filter((u: { role: string }) =>
      u.role === "owner"
    );
    assert.deepEqual(owners.map((u: { id: string }) => u.id), [newOwner.id]);
    // The former owner is an admin now: the new owner is above them.
    assert.equal((await setRole(owner.api, newOwner.id, "member")).status, 403);
    assert.equal((await setRole(newOwner.api, owner.id, "member")).status, 200);
    assert.equal((await setRole(admin.api, owner.id, "moderator")).status, 200);
  });
});

Deno.test("GET /users: moderators and above list people by username prefix; members may not", async () => {
  await withHearth(async ({ base }) => {
    const { owner, moderator, member } = await staff(base);
    const refused = await member.api.get("/users");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "forbidden_role");
    const all = await moderator.api.get("/users");
    assert.equal(all.status, 200);
    assert.equal(all.body.length, 5);
    assert.ok(all.body.every((u: object) => !("passwordHash" in u)));
    const found = await moderator.api.get(
      `/users?q=${member.username.slice(0, 10).toUpperCase()}`,
    );
    assert.deepEqual(found.body.map((u: { id: string }) => u.id), [member.id]);
    assert.equal((await owner.api.get("/users?limit=2")).body.length, 2);
    assert.equal((await owner.api.get("/users?limit=0")).status, 422);
  });
});

Deno.test("moderators delete anyone's message outside DMs; admins manage any channel, moderators do not", async () => {
  await withHearth(async ({ base }) => {
    const { admin, moderator, member } = await staff(base);
    const room = await createChannel(member.api, uniqueName("room"));
    for (const who of [admin, moderator]) {
      assert.equal(
        (await who.api.post(`/channels/${room.id}/join`)).status,
        200,
      );
    }
    const posted = await postMessage(member.api, room.id, "spam");
    const byMember = await moderator.api.send(
      "DELETE",
      `/channels/${room.id}/messages/${posted.seq}`,
      {},
    );
    assert.equal(byMember.status, 204);
    const path = `/channels/${room.id}`;
    const modPatch = await moderator.api.send("PATCH", path, {
      json: { topic: "mine now" },
    });
    assert.equal(modPatch.status, 403);
    const adminPatch = await admin.api.send("PATCH", path, {
      json: { topic: "tidied" },
    });
    assert.equal(adminPatch.status, 200);

    const dm = await member.api.post("/dms", {
      usernames: [moderator.username],
    });
    const said = await postMessage(member.api, dm.body.id, "between us");
    const inDm = await moderator.api.send(
      "DELETE",
      `/channels/${dm.body.id}/messages/${said.seq}`,
      {},
    );
    assert.equal(inDm.status, 403);
  });
});

Deno.test("moderators take people of lower rank out of channels, never the channel's owner or a DM's people", async () => {
  await withHearth(async ({ base }) => {
    const { admin, moderator, member, other } = await staff(base);
    const room = await createChannel(member.api, uniqueName("room"));
    for (const who of [admin, moderator, other]) {
      assert.equal(
        (await who.api.post(`/channels/${room.id}/join`)).status,
        200,
      );
    }
    const remove = (api: Api, userId: string) =>
      api.send("DELETE", `/channels/${room.id}/members/${userId}`, {});
    // Not the channel's owner, not someone of the same rank or above.
    assert.equal((await remove(moderator.api, member.id)).status, 403);
    assert.equal((await remove(moderator.api, admin.id)).status, 403);
    // A member of lower rank goes, with the removal audited.
    assert.equal((await remove(moderator.api, other.id)).status, 204);
    const members = await other.api.get(`/channels/${room.id}/messages`);
    assert.equal(members.status, 403);
    const audit = await admin.api.get("/audit?action=member_removed");
    assert.equal(audit.body[0]?.target, other.id);
    assert.equal(audit.body[0]?.actor.id, moderator.id);
    // A plain member takes nobody out.
    assert.equal(
      (await other.api.post(`/channels/${room.id}/join`)).status,
      200,
    );
    assert.equal((await remove(other.api, admin.id)).status, 403);

    const dm = await member.api.post("/dms", {
      usernames: [other.username, moderator.username],
    });
    const inDm = await moderator.api.send(
      "DELETE",
      `/channels/${dm.body.id}/members/${other.id}`,
      {},
    );
    assert.equal(inDm.status, 403);
  });
});

/** Each instance role against each staff route; `{target}` is a fresh member, `{room}` a public channel of theirs. */
// deno-fmt-ignore
const ROLE_MATRIX: [string, string, number, number, number, number][] = [
  //  method   path                           member moderator admin owner
  ["GET",    "/users",                          403,   200,      200,  200],
  ["PATCH",  "/users/{target}",                 403,   403,      200,  200],
  ["PUT",    "/timeouts/{target}",              403,   200,      200,  200],
  ["DELETE", "/timeouts/{target}",              403,   204,      204,  204],
  ["GET",    "/bans",                           403,   403,      200,  200],
  ["GET",    "/audit",                          403,   403,      200,  200],
  ["PUT",    "/bans/{target}",                  403,   403,      200,  200],
  ["DELETE", "/bans/{target}",                  403,   403,      204,  204],
  ["PATCH",  "/channels/{room}",                403,   403,      200,  200],
  ["DELETE", "/channels/{room}/messages/{seq}", 403,   204,      204,  204],
];

const ROLE_BODIES: Record<string, unknown> = {
  "PATCH /users/{target}": { role: "moderator" },
  "PUT /timeouts/{target}": { seconds: 60 },
  "PUT /bans/{target}": {},
  "PATCH /channels/{room}": { topic: "tidied" },
};

Deno.test("role matrix: member, moderator, admin and owner on every staff route", async () => {
  await withHearth(async ({ base }) => {
    const callers = await staff(base);
    const order = ["member", "moderator", "admin", "owner"] as const;
    const got: string[] = [];
    const want: string[] = [];
    for (const [method, template, ...statuses] of ROLE_MATRIX) {
      for (const [i, role] of order.entries()) {
        const target = await signUp(base, uniqueName("target"));
        const room = await createChannel(target.api, uniqueName("room"));
        const caller = callers[role];
        await caller.api.post(`/channels/${room.id}/join`);
        const said = await postMessage(target.api, room.id, "hello");
        const path = template.replace("{target}", target.id)
          .replace("{room}", room.id).replace("{seq}", String(said.seq));
        const res = await caller.api.send(method, path, {
          json: ROLE_BODIES[`${method} ${template}`],
        });
        got.push(`${method} ${template} ${role}: ${res.status}`);
        want.push(`${method} ${template} ${role}: ${statuses[i]}`);
      }
    }
    assert.deepEqual(got, want);
  });
});

Deno.test("GET /audit: role changes, the transfer, timeouts and bans, newest first, with actor and reason; pages by before", async () => {
  await withHearth(async ({ base }) => {
    const { owner, admin, moderator, member } = await staff(base);
    const api = (who: typeof owner) => (m: string, p: string, json?: unknown) =>
      who.api.send(m, p, { json });
    await api(moderator)("PUT", `/timeouts/${member.id}`, {
      seconds: 60,
      reason: "calm down",
    });
    await api(moderator)("DELETE", `/timeouts/${member.id}`);
    await api(admin)("PUT", `/bans/${member.id}`, { reason: "spam" });
    await api(admin)("DELETE", `/bans/${member.id}`);
    await setRole(owner.api, admin.id, "owner");
    assert.equal((await moderator.api.get("/audit")).status, 403);
    const log = await admin.api.get("/audit");
    assert.equal(log.status, 200, JSON.stringify(log.body));
    const rows = log.body.map((e: {
      actor: { username: string };
      action: string;
      target: string;
      reason?: string;
    }) => [e.actor.username, e.action, e.target, e.reason ?? null]);
    assert.deepEqual(rows, [
      [owner.username, "ownership_transfer", admin.id, null],
      [admin.username, "unban", member.id, null],
      [admin.username, "ban", member.id, "spam"],
      [moderator.username, "timeout_lifted", member.id, null],
      [moderator.username, "timeout", member.id, "calm down"],
      [owner.username, "role_change", moderator.id, "member -> moderator"],
      [owner.username, "role_change", admin.id, "member -> admin"],
    ]);
    const page = await admin.api.get(`/audit?limit=2&before=${log.body[1].id}`);
    assert.deepEqual(
      page.body.map((e: { id: string }) => e.id),
      [log.body[2].id, log.body[3].id],
    );
    for (const key of ["id", "at", "actor", "action", "target"]) {
      assert.ok(key in log.body[0], key);
    }
    // Nothing in the API edits or removes an entry.
    for (const method of ["DELETE", "PATCH", "PUT", "POST"]) {
      const res = await admin.api.send(method, "/audit", { json: {} });
      assert.equal(res.status, 405);
    }
  });
});

Deno.test("a new role shows in the channel's member list at once, though the list was just read", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const ada = await signUp(base, uniqueName("ada"));
    const general = (await owner.api.get("/channels")).body[0].id;
    const roleOfAda = async () => {
      const page = await owner.api.get(
        `/channels/${general}/members?limit=100&online=false`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      const row = page.body.members.find((m: { id: string }) =>
        m.id === ada.id
      );
      assert.ok(row, "Ada is listed");
      return row.role ?? "member";
    };
    // Read once, so the server holds the list (for up to 30 s).
    assert.equal(await roleOfAda(), "member");
    assert.equal((await setRole(owner.api, ada.id, "moderator")).status, 200);
    assert.equal(await roleOfAda(), "moderator");
  });
});

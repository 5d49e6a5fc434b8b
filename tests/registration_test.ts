/**
 * Who may sign up, over HTTP: the registration modes `open`, `invite` (the
 * default) and `closed`, the first account that always registers and owns the
 * instance, and refusals that never tell whether a username is taken.
 */
import assert from "node:assert/strict";
import { request, signUp, uniqueName, withHearth } from "./helpers/api.ts";

const PASSWORD = "correct horse battery";

function register(base: string, username: string, extra: object = {}) {
  return request(base, "POST", "/auth/register", {
    json: { username, password: PASSWORD, ...extra },
  });
}

Deno.test("invite mode (the default): the first account registers and owns the instance; others need an invite", async () => {
  // The helpers open registration, so this suite names the mode it tests.
  await withHearth(async ({ base }) => {
    const first = await register(base, "founder");
    assert.equal(first.status, 201);
    assert.equal(first.body.role, "owner");
    const refused = await register(base, uniqueName());
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "invite_required");
    // The same answer for a taken name: nothing tells that "founder" exists.
    const taken = await register(base, "Founder");
    assert.deepEqual(taken.body, refused.body);
    assert.equal(taken.status, 403);
  }, ["--registration", "invite"]);
});

Deno.test("closed mode: only the first account registers; refusals do not reveal names", async () => {
  await withHearth(async ({ base }) => {
    assert.equal((await register(base, "founder")).status, 201);
    const fresh = await register(base, uniqueName());
    const taken = await register(base, "founder");
    const withInvite = await register(base, uniqueName(), {
      invite: "AAAAAAAAAAAAAAAAAAAAAA",
    });
    for (const res of [fresh, taken, withInvite]) {
      assert.equal(res.status, 403);
      assert.equal(res.body.code, "registration_closed");
    }
    assert.deepEqual(fresh.body, taken.body);
  }, ["--registration", "closed"]);
});

Deno.test("closed mode: of racing first sign-ups exactly one gets in, as owner", async () => {
  await withHearth(async ({ base }) => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => register(base, uniqueName())),
    );
    const made = results.filter((r) => r.status === 201);
    assert.equal(made.length, 1, JSON.stringify(results.map((r) => r.body)));
    assert.equal(made[0].body.role, "owner");
    for (const res of results.filter((r) => r.status !== 201)) {
      assert.equal(res.body.code, "registration_closed");
    }
  }, ["--registration", "closed"]);
});

Deno.test("open mode: anyone registers, as a member; users carry their role", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const member = await signUp(base);
    assert.equal((await owner.api.get("/me")).body.role, "owner");
    assert.equal((await member.api.get("/me")).body.role, "member");
    const taken = await register(base, member.username);
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, "username_taken");
  }, ["--registration", "open"]);
});

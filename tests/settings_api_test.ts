/**
 * The instance's settings over HTTP: `GET`/`PATCH /settings` for admins and
 * above beside the settings page at the same path, the registration mode
 * taking effect at once, and a mode fixed by the operator staying fixed.
 */
import assert from "node:assert/strict";
import { request, signUp, uniqueName, withHearth } from "./helpers/api.ts";

Deno.test("GET/PATCH /settings: admins change the name and the registration mode, audited", async () => {
  await withHearth(
    async ({ base }) => {
      const owner = await signUp(base, uniqueName("owner"));
      const admin = await signUp(base, uniqueName("admin"));
      const member = await signUp(base, uniqueName("member"));
      await owner.api.send("PATCH", `/users/${admin.id}`, {
        json: { role: "admin" },
      });
      const read = await admin.api.get("/settings");
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, {
        name: "Hearth",
        registration: "open",
        registrationSetByOperator: false,
      });
      const closing = await admin.api.send("PATCH", "/settings", {
        json: { registration: "invite" },
      });
      assert.equal(closing.body.registration, "invite");
      assert.equal((await member.api.get("/settings")).status, 403);
      assert.equal((await request(base, "GET", "/settings")).status, 401);
      const patchedByMember = await member.api.send("PATCH", "/settings", {
        json: { name: "Mine" },
      });
      assert.equal(patchedByMember.status, 403);

      // Invite mode: nobody signs up without an invite.
      const refused = await request(base, "POST", "/auth/register", {
        json: {
          username: uniqueName("new"),
          password: "correct horse battery",
        },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, "invite_required");

      const changed = await admin.api.send("PATCH", "/settings", {
        json: { name: "  Book club  ", registration: "open" },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body, {
        name: "Book club",
        registration: "open",
        registrationSetByOperator: false,
      });
      assert.deepEqual((await owner.api.get("/settings")).body, changed.body);
      const welcome = await request(base, "POST", "/auth/register", {
        json: {
          username: uniqueName("new"),
          password: "correct horse battery",
        },
      });
      assert.equal(welcome.status, 201);

      for (
        const bad of [
          {},
          { name: "" },
          { name: "x".repeat(65) },
          {
            name: "two\nlines",
          },
          { registration: "sometimes" },
          { name: 3 },
        ]
      ) {
        const res = await admin.api.send("PATCH", "/settings", { json: bad });
        assert.equal(res.status, 422, JSON.stringify(bad));
      }
      const audit = await owner.api.get("/audit?action=settings_change");
      assert.deepEqual(
        audit.body.map((e: { target: string; reason: string }) => [
          e.target,
          e.reason,
        ]),
        [
          ["settings/registration", 'registration set to "open"'],
          ["settings/name", 'name set to "Book club"'],
          ["settings/registration", 'registration set to "invite"'],
        ],
      );
      assert.equal(audit.body[0].actor.id, admin.id);

      // A browser's navigation still gets the person's own settings page.
      const page = await fetch(new URL("/settings", base), {
        headers: {
          accept: "text/html",
          cookie: `hearth_token=${member.token}`,
        },
      });
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      assert.match(page.headers.get("vary") ?? "", /accept/i);
      await page.body?.cancel();
    },
    [],
    { registrationSetByOperator: false },
  );
});

Deno.test("PATCH /settings: a registration mode the operator set is fixed (409 set_by_operator)", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const read = await owner.api.get("/settings");
    assert.equal(read.body.registration, "open");
    assert.equal(read.body.registrationSetByOperator, true);
    const refused = await owner.api.send("PATCH", "/settings", {
      json: { registration: "closed" },
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "set_by_operator");
    const same = await owner.api.send("PATCH", "/settings", {
      json: { name: "Ours", registration: "open" },
    });
    assert.equal(same.status, 200);
    assert.equal(same.body.name, "Ours");
  });
});

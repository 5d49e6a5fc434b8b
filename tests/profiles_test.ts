/**
 * A user's own profile over HTTP: the status line, and changing the password,
 * which ends every other session of theirs (tokens and sockets) but this one.
 */
import assert from "node:assert/strict";
import {
  Api,
  FrameSocket,
  request,
  signIn,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import { withDeadline } from "./helpers/deadline.ts";

Deno.test("PATCH /me takes a status, by the display-name rules; users carry status and avatarUrl", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const me = (await ada.api.get("/me")).body;
    assert.equal(me.status, "");
    assert.equal(me.avatarUrl, null);
    const set = await ada.api.send("PATCH", "/me", {
      json: { status: "  out for lunch  " },
    });
    assert.equal(set.status, 200);
    assert.equal(set.body.status, "out for lunch");
    assert.equal((await ada.api.get("/me")).body.status, "out for lunch");
    const both = await ada.api.send("PATCH", "/me", {
      json: { displayName: "Ada L", status: "" },
    });
    assert.deepEqual([both.body.displayName, both.body.status], ["Ada L", ""]);
    for (
      const body of [
        { status: "x".repeat(81) },
        { status: "a\u200bb" },
        { status: "bell\u0007" },
        { status: 7 },
        {},
      ]
    ) {
      const refused = await ada.api.send("PATCH", "/me", { json: body });
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(refused.body.code, "validation_failed");
    }
    assert.equal(
      (await ada.api.send("PATCH", "/me", {
        json: { status: "🙂".repeat(80) },
      }))
        .status,
      200,
    );
  });
});

Deno.test("POST /me/password changes it and ends every other session, tokens and sockets", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const otherToken = await signIn(base, ada.username, ada.password);
    const other = new Api(base, otherToken);
    const channels = (await other.get("/channels")).body;
    const socket = await FrameSocket.open(base, channels[0].id, otherToken);
    await socket.next("ready");

    const wrong = await ada.api.post("/me/password", {
      currentPassword: "not it at all",
      newPassword: "a new secret phrase",
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.code, "wrong_password");
    const short = await ada.api.post("/me/password", {
      currentPassword: ada.password,
      newPassword: "short",
    });
    assert.equal(short.status, 422);

    const changed = await ada.api.post("/me/password", {
      currentPassword: ada.password,
      newPassword: "a new secret phrase",
    });
    assert.equal(changed.status, 204);
    assert.equal((await ada.api.get("/me")).status, 200, "this session stays");
    assert.equal((await other.get("/me")).status, 401, "the other one ends");
    const closed = await withDeadline(socket.closed, 10_000, "socket close");
    assert.equal(closed.code, 1008);

    const old = await request(base, "POST", "/auth/login", {
      json: { username: ada.username, password: ada.password },
    });
    assert.equal(old.status, 401);
    const fresh = await request(base, "POST", "/auth/login", {
      json: { username: ada.username, password: "a new secret phrase" },
    });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.mustChangePassword, false);
  });
});

Deno.test("POST /me/password needs a session", async () => {
  await withHearth(async ({ base }) => {
    const anonymous = await new Api(base).post("/me/password", {
      currentPassword: "whatever it is",
      newPassword: "a new secret phrase",
    });
    assert.equal(anonymous.status, 401);
  });
});

Deno.test("DELETE /me/sessions signs out everywhere else", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const other = new Api(base, await signIn(base, ada.username, ada.password));
    const channels = (await other.get("/channels")).body;
    const socket = await FrameSocket.open(base, channels[0].id, other.token!);
    await socket.next("ready");
    const ended = await ada.api.send("DELETE", "/me/sessions", {});
    assert.equal(ended.status, 204);
    assert.equal((await ada.api.get("/me")).status, 200);
    assert.equal((await other.get("/me")).status, 401);
    const closed = await withDeadline(socket.closed, 10_000, "socket close");
    assert.equal(closed.code, 1008);
    const anonymous = await new Api(base).send("DELETE", "/me/sessions", {});
    assert.equal(anonymous.status, 401);
  });
});

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
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import { withInstances } from "./helpers/instances.ts";
import { withDeadline } from "./helpers/deadline.ts";
import { png } from "../lib/files/_image_fixtures.ts";
import type {
  Member,
  MemberUpdatedFrame as MemberUpdated,
} from "../lib/shared/wire.ts";

/** A form carrying a small PNG as the avatar. */
function avatarForm(): FormData {
  const body = new FormData();
  body.append("file", new File([png(64, 64)], "me.png"));
  return body;
}

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

Deno.test("a member's new name, status, avatar and role reach the open sockets of their channels as member_updated", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const ada = await signUp(base);
    const bo = await signUp(base);
    const general = (await owner.api.get("/channels")).body[0].id;
    // A channel only Bo is in: Ada's changes are none of its business.
    const side = await bo.api.send("POST", "/channels", {
      json: { name: "side", private: true },
    });
    assert.equal(side.status, 201, JSON.stringify(side.body));
    const watcher = await FrameSocket.open(base, general, owner.token);
    const aside = await FrameSocket.open(base, side.body.id, bo.token);
    try {
      await watcher.next("ready");
      await aside.next("ready");
      const ofAda = (check: (m: Member) => boolean) => (f: MemberUpdated) =>
        f.member.id === ada.id && check(f.member);

      await ada.api.send("PATCH", "/me", {
        json: { displayName: "Ada L", status: "Out for lunch" },
      });
      await watcher.next(
        "member_updated",
        ofAda((m) => m.displayName === "Ada L" && m.status === "Out for lunch"),
      );
      const put = await ada.api.send("PUT", "/me/avatar", {
        body: avatarForm(),
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      await watcher.next(
        "member_updated",
        ofAda((m) => m.avatarUrl === put.body.avatarUrl),
      );
      const role = await owner.api.send("PATCH", `/users/${ada.id}`, {
        json: { role: "moderator" },
      });
      assert.equal(role.status, 200, JSON.stringify(role.body));
      const last = await watcher.next(
        "member_updated",
        ofAda((m) => m.role === "moderator"),
      );
      assert.equal(last.member.username, ada.username);
      assert.equal(last.member.status, "Out for lunch");

      // Bo's own change reaches his channel, and nothing of Ada's came first.
      await bo.api.send("PATCH", "/me", { json: { status: "Here" } });
      await aside.next("member_updated", (f) => f.member.id === bo.id);
      const strays = aside.frames.filter((f) =>
        f.type === "member_updated" && f.member.id === ada.id
      );
      assert.deepEqual(strays, []);
    } finally {
      await watcher.close();
      await aside.close();
    }
  });
});

Deno.test("a member's new face made on one instance reaches sockets on another over the KV relay", async () => {
  await withInstances(2, async ([a, b]) => {
    const owner = await signUp(a.base, uniqueName("owner"));
    const ada = await signUp(a.base, uniqueName("ada"));
    const general = (await owner.api.get("/channels")).body[0].id;
    const watcher = await FrameSocket.open(b.base, general, owner.token);
    try {
      await watcher.next("ready");
      const set = await ada.api.send("PATCH", "/me", {
        json: { status: "Across the relay" },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const frame = await watcher.next(
        "member_updated",
        (f) => f.member.id === ada.id,
      );
      assert.equal(frame.member.status, "Across the relay");
    } finally {
      await watcher.close();
    }
  }, "kv");
});

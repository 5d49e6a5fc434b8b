import assert from "node:assert/strict";
import { listAllChannels, listMembers, listUserChannels } from "./channels.ts";
import { ApiError } from "../errors.ts";
import { userKey } from "./_keys.ts";
import {
  adoptInstanceOwner,
  createUser,
  getUser,
  getUserByName,
  getUserRecord,
  normalizeDisplayName,
  toPublicUser,
  updateDisplayName,
} from "./users.ts";
import { randomUser, withKv } from "./_test_utils.ts";

Deno.test("createUser() returns a public user without the password hash", () =>
  withKv(async (kv) => {
    const user = await createUser(kv, {
      username: "Alice",
      displayName: "  Alice A.  ",
      passwordHash: "secret-hash",
    });
    assert.deepEqual(Object.keys(user).sort(), [
      "avatarUrl",
      "createdAt",
      "displayName",
      "id",
      "role",
      "status",
      "username",
    ]);
    assert.equal(user.username, "Alice");
    assert.equal(user.displayName, "Alice A.");
    assert.ok(!Number.isNaN(Date.parse(user.createdAt)));
    assert.equal(
      (await getUserRecord(kv, user.id))?.passwordHash,
      "secret-hash",
    );
    assert.deepEqual(await getUser(kv, user.id), user);
  }));

Deno.test("createUser() defaults the display name to the username", () =>
  withKv(async (kv) => {
    assert.equal((await randomUser(kv, "bob")).displayName, "bob");
    const blank = await createUser(kv, {
      username: "carol",
      displayName: "   ",
      passwordHash: "h",
    });
    assert.equal(blank.displayName, "carol");
  }));

Deno.test("createUser() rejects invalid usernames with 422", () =>
  withKv(async (kv) => {
    for (const username of ["", "has space", "x".repeat(33), "semi;colon"]) {
      await assert.rejects(
        createUser(kv, { username, passwordHash: "h" }),
        { status: 422, code: "validation_failed" },
      );
    }
  }));

Deno.test("createUser() refuses a username taken in another case with 409", () =>
  withKv(async (kv) => {
    await randomUser(kv, "bob");
    await assert.rejects(randomUser(kv, "BOB"), {
      status: 409,
      code: "username_taken",
      message: 'Username "BOB" is already taken',
    });
  }));

Deno.test("createUser() lets exactly one of concurrent same-name sign-ups win", () =>
  withKv(async (kv) => {
    const names = ["dave", "DAVE", "Dave", "dAvE", "daVE", "DaVe"];
    const results = await Promise.allSettled(
      names.map((name) => randomUser(kv, name)),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    assert.equal(won.length, 1);
    assert.equal(lost.length, names.length - 1);
    for (const r of lost) {
      assert.equal((r.reason as { code: string }).code, "username_taken");
    }
    const general = (await listAllChannels(kv, won[0].value.id))[0];
    assert.equal(general.memberCount, 1);
  }));

Deno.test("createUser() creates general with the first user as owner", () =>
  withKv(async (kv) => {
    const first = await randomUser(kv);
    const channels = await listUserChannels(kv, first.id);
    assert.equal(channels.length, 1);
    assert.equal(channels[0].name, "general");
    assert.equal(channels[0].private, false);
    assert.equal(channels[0].ownerId, first.id);
    assert.equal(channels[0].memberCount, 1);
  }));

Deno.test("createUser() joins every later user to the same general", () =>
  withKv(async (kv) => {
    const first = await randomUser(kv);
    const later = [await randomUser(kv), await randomUser(kv)];
    const [general] = await listUserChannels(kv, first.id);
    for (const user of later) {
      const channels = await listUserChannels(kv, user.id);
      assert.deepEqual(channels.map((c) => c.id), [general.id]);
      assert.equal(channels[0].ownerId, first.id);
    }
    assert.equal((await listUserChannels(kv, first.id))[0].memberCount, 3);
    assert.deepEqual(
      (await listMembers(kv, general.id)).map((u) => u.id).sort(),
      [first.id, ...later.map((u) => u.id)].sort(),
    );
  }));

Deno.test("createUser() makes one general when the first sign-ups race", () =>
  withKv(async (kv) => {
    const users = await Promise.all(
      Array.from({ length: 8 }, () => randomUser(kv)),
    );
    const all = await listAllChannels(kv, users[0].id);
    assert.equal(all.length, 1);
    assert.equal(all[0].memberCount, 8);
    assert.ok(users.some((u) => u.id === all[0].ownerId));
    for (const user of users) {
      assert.deepEqual(
        (await listUserChannels(kv, user.id)).map((c) => c.id),
        [all[0].id],
      );
    }
  }));

Deno.test("getUserByName() ignores case and returns null for unknown names", () =>
  withKv(async (kv) => {
    const user = await randomUser(kv, "Erin");
    assert.deepEqual(await getUserByName(kv, "erin"), user);
    assert.deepEqual(await getUserByName(kv, "ERIN"), user);
    assert.equal(await getUserByName(kv, "frank"), null);
    assert.equal(await getUserByName(kv, "x".repeat(5000)), null);
    assert.equal(await getUser(kv, "missing"), null);
  }));

Deno.test("toPublicUser() drops the password hash and unknown fields, and reads a missing role as member", () => {
  const record = {
    id: "1",
    username: "a",
    displayName: "A",
    createdAt: "2024-01-01T00:00:00.000Z",
    passwordHash: "h",
    extra: true,
  };
  assert.deepEqual(toPublicUser(record), {
    id: "1",
    username: "a",
    displayName: "A",
    createdAt: "2024-01-01T00:00:00.000Z",
    role: "member",
    status: "",
    avatarUrl: null,
  });
});

Deno.test("updateDisplayName() trims, stores and validates the name", () =>
  withKv(async (kv) => {
    const user = await randomUser(kv);
    const updated = await updateDisplayName(kv, user.id, "  New Name ");
    assert.equal(updated.displayName, "New Name");
    assert.equal((await getUser(kv, user.id))?.displayName, "New Name");
    assert.equal(
      (await getUserRecord(kv, user.id))?.passwordHash,
      "$2b$10$not-a-real-hash",
    );
    assert.equal("passwordHash" in updated, false);
    await assert.rejects(updateDisplayName(kv, user.id, "   "), {
      status: 422,
    });
    await assert.rejects(updateDisplayName(kv, user.id, "x".repeat(65)), {
      status: 422,
    });
    await assert.rejects(updateDisplayName(kv, "missing", "Name"), {
      status: 404,
      code: "user_not_found",
    });
  }));

Deno.test("updateDisplayName() retries concurrent edits instead of failing", () =>
  withKv(async (kv) => {
    const user = await randomUser(kv);
    const names = Array.from({ length: 10 }, (_, i) => `Name ${i}`);
    const results = await Promise.all(
      names.map((name) => updateDisplayName(kv, user.id, name)),
    );
    assert.deepEqual(results.map((u) => u.displayName), names);
    assert.ok(names.includes((await getUser(kv, user.id))!.displayName));
  }));

Deno.test("normalizeDisplayName() counts characters, not UTF-16 units", () => {
  const emoji = "\u{1F525}".repeat(64);
  assert.equal(normalizeDisplayName(emoji), emoji);
  assert.throws(() => normalizeDisplayName("\u{1F525}".repeat(65)));
});

Deno.test("createUser() makes the first account the owner and every later one a member", () =>
  withKv(async (kv) => {
    const first = await randomUser(kv);
    const second = await randomUser(kv);
    assert.equal(first.role, "owner");
    assert.equal(second.role, "member");
    assert.equal((await getUser(kv, first.id))?.role, "owner");
  }));

Deno.test("createUser() refuses by the admission before the username, but never the first account", () =>
  withKv(async (kv) => {
    const refuse = new ApiError(403, "registration_closed", "closed");
    const first = await createUser(kv, {
      username: "first",
      passwordHash: "x",
    }, { refuse });
    assert.equal(first.role, "owner");
    // A taken name gets the same refusal as a free one: nothing is revealed.
    for (const username of ["first", "someone_new"]) {
      await assert.rejects(
        () => createUser(kv, { username, passwordHash: "x" }, { refuse }),
        (error: ApiError) => error.code === "registration_closed",
      );
    }
  }));

Deno.test("createUser() lets only one of racing first sign-ups past a refusal", () =>
  withKv(async (kv) => {
    const refuse = new ApiError(403, "registration_closed", "closed");
    const results = await Promise.allSettled(
      Array.from(
        { length: 8 },
        (_, i) =>
          createUser(kv, { username: `racer${i}`, passwordHash: "x" }, {
            refuse,
          }),
      ),
    );
    const made = results.filter((r) => r.status === "fulfilled");
    assert.equal(made.length, 1);
    assert.equal(
      (made[0] as PromiseFulfilledResult<{ role: string }>).value.role,
      "owner",
    );
  }));

Deno.test("adoptInstanceOwner() makes general's owner the owner of an instance from before roles", () =>
  withKv(async (kv) => {
    const first = await randomUser(kv);
    const second = await randomUser(kv);
    // Stored as older versions stored them: no role at all.
    for (const id of [first.id, second.id]) {
      const record = await getUserRecord(kv, id);
      delete record!.role;
      await kv.set(userKey(id), record);
    }
    assert.equal((await getUser(kv, first.id))?.role, "member");
    await adoptInstanceOwner(kv);
    assert.equal((await getUser(kv, first.id))?.role, "owner");
    assert.equal((await getUser(kv, second.id))?.role, "member");
    await adoptInstanceOwner(kv); // twice is a no-op
    assert.equal((await getUser(kv, first.id))?.role, "owner");
  }));

import assert from "node:assert/strict";
import {
  addMember,
  createChannel,
  getChannel,
  isMember,
  joinChannel,
  leaveChannel,
  listAllChannels,
  listMembers,
  listUserChannels,
} from "./channels.ts";
import { randomUser, withKv } from "./_test_utils.ts";

Deno.test("joinChannel() is idempotent and counts a member once", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv);
    const bob = await randomUser(kv);
    const channel = await createChannel(kv, alice.id, { name: "pub" });
    const joined = await joinChannel(kv, channel.id, bob.id);
    assert.equal(joined.memberCount, 2);
    assert.equal(joined.joined, true);
    const again = await joinChannel(kv, channel.id, bob.id);
    assert.equal(again.memberCount, 2);
    await Promise.all(
      Array.from({ length: 5 }, () => joinChannel(kv, channel.id, bob.id)),
    );
    assert.equal((await getChannel(kv, channel.id))!.memberCount, 2);
    assert.equal(await isMember(kv, channel.id, bob.id), true);
    assert.ok(
      (await listUserChannels(kv, bob.id)).some((c) => c.id === channel.id),
    );
  }));

Deno.test("joinChannel() is a no-op for a member and 404 for an unknown channel", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv);
    const secret = await createChannel(kv, alice.id, {
      name: "secret",
      private: true,
    });
    assert.equal((await joinChannel(kv, secret.id, alice.id)).memberCount, 1);
    await assert.rejects(joinChannel(kv, "missing", alice.id), {
      status: 404,
      code: "channel_not_found",
    });
  }));

Deno.test("leaveChannel() is idempotent and keeps memberCount right", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv);
    const bob = await randomUser(kv);
    const carol = await randomUser(kv);
    const channel = await createChannel(kv, alice.id, { name: "pub" });
    await joinChannel(kv, channel.id, bob.id);
    await joinChannel(kv, channel.id, carol.id);
    assert.equal((await getChannel(kv, channel.id))!.memberCount, 3);
    await leaveChannel(kv, channel.id, bob.id);
    await leaveChannel(kv, channel.id, bob.id);
    await Promise.all(
      Array.from({ length: 5 }, () => leaveChannel(kv, channel.id, carol.id)),
    );
    assert.equal((await getChannel(kv, channel.id))!.memberCount, 1);
    assert.equal(await isMember(kv, channel.id, bob.id), false);
    assert.ok(
      !(await listUserChannels(kv, bob.id)).some((c) => c.id === channel.id),
    );
    await joinChannel(kv, channel.id, bob.id);
    assert.equal((await getChannel(kv, channel.id))!.memberCount, 2);
    await assert.rejects(leaveChannel(kv, "missing", bob.id), { status: 404 });
  }));

Deno.test("leaveChannel() and joinChannel() keep memberCount right under churn", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    const users = await Promise.all(
      Array.from({ length: 6 }, () => randomUser(kv)),
    );
    const channel = await createChannel(kv, owner.id, { name: "busy" });
    await Promise.all(users.flatMap((u) => [
      joinChannel(kv, channel.id, u.id),
      joinChannel(kv, channel.id, u.id),
    ]));
    await Promise.all(
      users.slice(0, 3).map((u) => leaveChannel(kv, channel.id, u.id)),
    );
    const members = await listMembers(kv, channel.id);
    assert.equal(members.length, 4);
    assert.equal((await getChannel(kv, channel.id))!.memberCount, 4);
  }));

Deno.test("addMember() adds by username to private channels too, once", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv, "alice");
    const bob = await randomUser(kv, "bob");
    const carol = await randomUser(kv, "carol");
    const secret = await createChannel(kv, alice.id, {
      name: "secret",
      private: true,
    });
    const added = await addMember(kv, secret.id, "BOB");
    assert.deepEqual(added, bob);
    assert.equal(await isMember(kv, secret.id, bob.id), true);
    // Adding again changes nothing.
    await addMember(kv, secret.id, "bob");
    assert.equal((await getChannel(kv, secret.id))!.memberCount, 2);
    assert.ok(
      (await listAllChannels(kv, bob.id)).some((c) => c.id === secret.id),
    );
    assert.ok(
      !(await listAllChannels(kv, carol.id)).some((c) => c.id === secret.id),
    );
    await assert.rejects(addMember(kv, secret.id, "nobody"), {
      status: 404,
      code: "user_not_found",
    });
    await assert.rejects(addMember(kv, "missing", "bob"), {
      status: 404,
      code: "channel_not_found",
    });
  }));

Deno.test("listMembers() returns public users ordered by username", () =>
  withKv(async (kv) => {
    const zed = await randomUser(kv, "zed");
    const amy = await randomUser(kv, "Amy");
    const channel = await createChannel(kv, zed.id, { name: "c" });
    await joinChannel(kv, channel.id, amy.id);
    const members = await listMembers(kv, channel.id);
    assert.deepEqual(members, [amy, zed]);
    assert.ok(members.every((m) => !("passwordHash" in m)));
    assert.deepEqual(await listMembers(kv, "missing"), []);
  }));

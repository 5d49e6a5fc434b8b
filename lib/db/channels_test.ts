import assert from "node:assert/strict";
import { channelSeqKey } from "./_keys.ts";
import { openDm } from "./dms.ts";
import {
  createChannel,
  getChannel,
  getMembership,
  joinChannel,
  listAllChannels,
  listChannelPage,
  listUserChannels,
  markRead,
} from "./channels.ts";
import { createMessage } from "./messages.ts";
import type { User } from "./users.ts";
import { randomUser, withKv } from "./_test_utils.ts";

function post(kv: Deno.Kv, channelId: string, author: User, count: number) {
  return Promise.all(
    Array.from(
      { length: count },
      (_, i) => createMessage(kv, { channelId, author, content: `m${i}` }),
    ),
  );
}

Deno.test("createChannel() makes the creator its owner and only member", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    const channel = await createChannel(kv, owner.id, {
      name: "  Design  ",
      topic: " Pixels ",
    });
    assert.equal(channel.name, "Design");
    assert.equal(channel.topic, "Pixels");
    assert.equal(channel.private, false);
    assert.equal(channel.ownerId, owner.id);
    assert.equal(channel.memberCount, 1);
    assert.equal(channel.lastSeq, 0);
    assert.equal(channel.unread, 0);
    assert.deepEqual(await getChannel(kv, channel.id, owner.id), channel);
    const { joined: _, ...anonymous } = channel;
    assert.deepEqual(await getChannel(kv, channel.id), anonymous);
    assert.ok(
      (await listUserChannels(kv, owner.id)).some((c) => c.id === channel.id),
    );
  }));

Deno.test("createChannel() refuses a name taken in another case with 409", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    await createChannel(kv, owner.id, { name: "Random" });
    await assert.rejects(createChannel(kv, owner.id, { name: " RANDOM " }), {
      status: 409,
      code: "channel_exists",
      message: 'Channel "RANDOM" already exists',
    });
    await assert.rejects(createChannel(kv, owner.id, { name: "General" }), {
      status: 409,
      code: "channel_exists",
    });
  }));

Deno.test("createChannel() lets exactly one of concurrent same-name creations win", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    const results = await Promise.allSettled(
      ["ops", "OPS", "Ops", "oPs", "opS"].map((name) =>
        createChannel(kv, owner.id, { name })
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) {
      if (r.status === "rejected") {
        assert.equal(r.reason.code, "channel_exists");
      }
    }
    assert.equal((await listAllChannels(kv, owner.id)).length, 2);
  }));

Deno.test("createChannel() validates name and topic after trimming", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    for (const name of ["", "   ", "x".repeat(81), "bad\nname"]) {
      await assert.rejects(createChannel(kv, owner.id, { name }), {
        status: 422,
      });
    }
    await assert.rejects(
      createChannel(kv, owner.id, { name: "ok", topic: "t".repeat(251) }),
      { status: 422 },
    );
    const long = await createChannel(kv, owner.id, {
      name: ` ${"x".repeat(80)} `,
    });
    assert.equal(long.name.length, 80);
  }));

Deno.test("getChannel() returns null for an unknown channel", () =>
  withKv(async (kv) => {
    assert.equal(await getChannel(kv, "missing"), null);
  }));

Deno.test("listUserChannels() reports lastSeq and unread from the read marker", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv);
    const bob = await randomUser(kv);
    const channel = await createChannel(kv, alice.id, { name: "news" });
    await joinChannel(kv, channel.id, bob.id);
    await post(kv, channel.id, alice, 5);
    await markRead(kv, bob.id, channel.id, 2);
    const bobs = await listUserChannels(kv, bob.id);
    const news = bobs.find((c) => c.id === channel.id)!;
    assert.equal(news.lastSeq, 5);
    assert.equal(news.unread, 3);
    assert.equal(news.memberCount, 2);
    assert.equal(news.joined, true);
    const alices = await listUserChannels(kv, alice.id);
    assert.equal(alices.find((c) => c.id === channel.id)!.unread, 5);
    assert.deepEqual(alices.map((c) => c.name), ["general", "news"]);
  }));

Deno.test("markRead() only moves forward and clamps to lastSeq", () =>
  withKv(async (kv) => {
    const user = await randomUser(kv);
    const channel = await createChannel(kv, user.id, { name: "log" });
    await post(kv, channel.id, user, 10);
    const unread = async () =>
      (await getChannel(kv, channel.id, user.id))!.unread;
    assert.equal(await unread(), 10);
    await markRead(kv, user.id, channel.id, 6);
    assert.equal(await unread(), 4);
    await markRead(kv, user.id, channel.id, 3);
    assert.equal(await unread(), 4);
    await markRead(kv, user.id, channel.id, 0);
    assert.equal(await unread(), 4);
    await markRead(kv, user.id, channel.id, 1_000);
    assert.equal(await unread(), 0);
    // Clamped to 10, so the next message is unread again.
    await post(kv, channel.id, user, 1);
    assert.equal(await unread(), 1);
    await Promise.all(
      [9, 11, 2, 7].map((seq) => markRead(kv, user.id, channel.id, seq)),
    );
    assert.equal(await unread(), 0);
    await assert.rejects(markRead(kv, user.id, channel.id, -1), {
      status: 422,
    });
    await assert.rejects(markRead(kv, user.id, channel.id, 1.5), {
      status: 422,
    });
  }));

Deno.test("listAllChannels() shows public channels and the user's private ones", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv);
    const bob = await randomUser(kv);
    const open = await createChannel(kv, alice.id, { name: "open" });
    const secret = await createChannel(kv, alice.id, {
      name: "secret",
      private: true,
    });
    const bobs = await listAllChannels(kv, bob.id);
    assert.deepEqual(
      bobs.map((c) => [c.name, c.joined]),
      [["general", true], ["open", false]],
    );
    // Unread only counts for members.
    await post(kv, open.id, alice, 2);
    const again = await listAllChannels(kv, bob.id);
    assert.equal(again.find((c) => c.id === open.id)!.unread, 0);
    assert.equal(again.find((c) => c.id === open.id)!.lastSeq, 2);
    const alices = await listAllChannels(kv, alice.id);
    assert.deepEqual(
      alices.map((c) => [c.name, c.joined, c.private]),
      [["general", true, false], ["open", true, false], ["secret", true, true]],
    );
    assert.equal(alices.find((c) => c.id === secret.id)!.memberCount, 1);
  }));

Deno.test("getMembership() reads a channel and one user's membership", () =>
  withKv(async (kv) => {
    const alice = await randomUser(kv);
    const bob = await randomUser(kv);
    const channel = await createChannel(kv, alice.id, { name: "team" });
    const mine = await getMembership(kv, channel.id, alice.id);
    assert.equal(mine.channel?.id, channel.id);
    assert.equal(mine.channel?.ownerId, alice.id);
    assert.equal(typeof mine.joinedAt, "string");
    const theirs = await getMembership(kv, channel.id, bob.id);
    assert.equal(theirs.channel?.id, channel.id);
    assert.equal(theirs.joinedAt, null);
    // The history stamp comes along, and moves with the channel's history.
    assert.equal(theirs.historyStamp, mine.historyStamp);
    assert.equal(
      mine.historyStamp,
      (await kv.get(channelSeqKey(channel.id))).versionstamp,
    );
    assert.deepEqual(await getMembership(kv, "missing", alice.id), {
      channel: null,
      joinedAt: null,
      historyStamp: null,
    });
  }));

Deno.test("listChannelPage() pages every channel a user may see in name order, skipping others' private ones", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    const viewer = await randomUser(kv);
    const names = Array.from(
      { length: 230 },
      (_, i) => `room-${String(i).padStart(3, "0")}`,
    );
    for (const name of names) await createChannel(kv, owner.id, { name });
    await createChannel(kv, owner.id, { name: "room-050x", private: true });
    const mine = await createChannel(kv, viewer.id, {
      name: "room-100x",
      private: true,
    });
    const seen: string[] = [];
    let after: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await listChannelPage(kv, viewer.id, { after, limit: 100 });
      sizes.push(page.channels.length);
      seen.push(...page.channels.map((c) => c.name));
      after = page.next ?? undefined;
    } while (after !== undefined);
    // The first user's sign-up also made `general`.
    assert.deepEqual(sizes, [100, 100, 32]);
    const expected = ["general", ...names, mine.name].sort();
    assert.deepEqual(seen, expected);
    const first = await listChannelPage(kv, viewer.id, { limit: 100 });
    assert.equal(
      first.channels.find((c) => c.name === "room-000")?.joined,
      false,
    );
    const own = (await listChannelPage(kv, viewer.id, {
      after: "room-100",
      limit: 1,
    })).channels[0];
    assert.equal(own.id, mine.id);
    assert.equal(own.joined, true);
  }));

Deno.test("listChannelPage() never lists a DM, not even to its people", () =>
  withKv(async (kv) => {
    const ada = await randomUser(kv);
    const bo = await randomUser(kv);
    const { channel: dm } = await openDm(kv, ada.id, [bo.username]);
    for (const viewer of [ada, bo]) {
      const page = await listChannelPage(kv, viewer.id, { limit: 100 });
      assert.ok(!page.channels.some((c) => c.id === dm.id));
      assert.ok(page.channels.some((c) => c.name === "general"));
    }
  }));

import assert from "node:assert/strict";
import { createChannel } from "../db/channels.ts";
import { countReads, randomUser, userWithChannel } from "../db/_test_utils.ts";
import type { TokenStanding } from "../db/sessions.ts";
import type { Message } from "../shared/wire.ts";
import {
  Hub,
  memberEvent,
  memberFaceEvent,
  messageEvent,
  updateEvent,
} from "../realtime/hub.ts";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { revokeToken } from "./revocations.ts";
import { STANDING_TTL_MS, StandingMemory } from "./standing_memory.ts";

const HOUR = 3600;

// Runs `body` with a memory over a fresh database and hub, and a member of a channel.
async function withMemory(
  body: (it: {
    kv: Deno.Kv;
    hub: Hub;
    memory: StandingMemory;
    user: { id: string };
    channelId: string;
  }) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const hub = new Hub();
  try {
    const memory = new StandingMemory({ kv, hub });
    const { user, channelId } = await userWithChannel(kv);
    await body({ kv, hub, memory, user, channelId });
  } finally {
    hub.close();
    kv.close();
  }
}

Deno.test("a change that was never announced here is seen once the kept standing is STANDING_TTL_MS old", async () => {
  const kv = await Deno.openKv(":memory:");
  // Another instance revoked the token and no relay told this one.
  const hub = new Hub();
  let now = 0;
  try {
    const memory = new StandingMemory({ kv, hub }, { now: () => now });
    const { user, channelId } = await userWithChannel(kv);
    const exp = Math.floor(Date.now() / 1000) + HOUR;
    assert.equal((await memory.read(user.id, "t1", channelId)).revoked, false);
    await revokeToken(kv, "t1", exp);
    now = STANDING_TTL_MS - 1;
    const kept = await countReads(kv, async () => {
      assert.equal(
        (await memory.read(user.id, "t1", channelId)).revoked,
        false,
      );
    });
    assert.equal(kept, 0, "within the bound the kept standing answers");
    now = STANDING_TTL_MS;
    assert.equal((await memory.read(user.id, "t1", channelId)).revoked, true);
    // A refusal is not kept: each later read asks KV again.
    const again = await countReads(kv, async () => {
      await memory.read(user.id, "t1", channelId);
    });
    assert.equal(again, 1);
  } finally {
    hub.close();
    kv.close();
  }
});

Deno.test("an announced change drops kept standings on this instance and, through the relay, on another", async () => {
  const kv = await Deno.openKv(":memory:");
  const relay = `hearth-standing-${crypto.randomUUID()}`;
  const hubs = [new Hub({ relay }), new Hub({ relay })];
  try {
    const [here, there] = hubs.map((hub) => new StandingMemory({ kv, hub }));
    const { user, channelId } = await userWithChannel(kv);
    const otherUser = await randomUser(kv);
    const otherChannel = await createChannel(kv, otherUser.id, {
      name: "other",
    });
    const other = { user: otherUser, channelId: otherChannel.id };
    for (const memory of [here, there]) {
      await memory.read(user.id, "t1", channelId);
      await memory.read(other.user.id, "t2", other.channelId);
    }
    assert.equal(here.size, 2);
    // Another channel's event and another token's sign-out drop nothing of t1.
    hubs[0].publish(other.channelId, memberEvent(other.user.id, false));
    hubs[0].announce({ type: "revoked", jti: "t2" });
    assert.equal(here.size, 1);
    const kept = await countReads(kv, async () => {
      await here.read(user.id, "t1", channelId);
    });
    assert.equal(kept, 0);
    hubs[0].publish(channelId, memberEvent(user.id, false));
    assert.equal(here.size, 0);
    await waitFor(() => there.size === 0, {
      what: "the other instance dropping what the relay told it",
    });
    await here.read(user.id, "t1", channelId);
    hubs[0].announce({ type: "banned", userId: user.id });
    assert.equal(here.size, 0);
  } finally {
    for (const hub of hubs) hub.close();
    kv.close();
  }
});

Deno.test("a read in flight when its token is signed out is not kept", () =>
  withMemory(async ({ kv, hub, memory, user, channelId }) => {
    const reading = memory.read(user.id, "t1", channelId);
    hub.announce({ type: "revoked", jti: "t1" });
    assert.equal((await reading).revoked, false);
    const reads = await countReads(kv, async () => {
      await memory.read(user.id, "t1", channelId);
    });
    assert.equal(reads, 1);
  }));

Deno.test("a new message keeps a channel's standings for a post, without their stamp, and a page reads them again", () =>
  withMemory(async ({ kv, hub, memory, user, channelId }) => {
    const first = await memory.read(user.id, "t1", channelId);
    assert.notEqual(first.membership?.historyStamp, undefined);
    hub.publish(channelId, messageEvent({ seq: 1 } as Message));
    let post: TokenStanding | undefined;
    const kept = await countReads(kv, async () => {
      post = await memory.read(user.id, "t1", channelId, "standing");
    });
    assert.equal(kept, 0, "a post takes the kept standing");
    assert.equal(post?.revoked, false);
    assert.equal(post?.record?.id, user.id);
    assert.equal(post?.membership?.joinedAt, first.membership?.joinedAt);
    assert.equal(post?.membership?.historyStamp, undefined);
    const page = await countReads(kv, async () => {
      const again = await memory.read(user.id, "t1", channelId, "history");
      assert.notEqual(again.membership?.historyStamp, undefined);
    });
    assert.equal(page, 1, "a page reads the standing and stamp again");
    // Read again, the stamp is current until the next message.
    const current = await countReads(kv, async () => {
      const again = await memory.read(user.id, "t1", channelId, "standing");
      assert.notEqual(again.membership?.historyStamp, undefined);
    });
    assert.equal(current, 0);
  }));

Deno.test("a read in flight when a message is stored keeps its standing but not its stamp", () =>
  withMemory(async ({ kv, hub, memory, user, channelId }) => {
    const reading = memory.read(user.id, "t1", channelId);
    hub.publish(channelId, updateEvent({ seq: 1, rev: 1 } as Message));
    await reading;
    assert.equal(
      await countReads(
        kv,
        () => memory.read(user.id, "t1", channelId, "standing").then(() => {}),
      ),
      0,
    );
    assert.equal(
      await countReads(
        kv,
        () => memory.read(user.id, "t1", channelId).then(() => {}),
      ),
      1,
    );
  }));

Deno.test("a change of the user's record drops their standings, and only theirs", () =>
  withMemory(async ({ kv, hub, memory, user, channelId }) => {
    const other = await randomUser(kv);
    await memory.read(user.id, "t1", channelId);
    const otherChannel = await createChannel(kv, other.id, { name: "other" });
    await memory.read(other.id, "t2", otherChannel.id);
    assert.equal(memory.size, 2);
    hub.announce({ type: "user", userId: user.id });
    assert.equal(memory.size, 1);
    // The face told to the other's channel afterwards drops nothing more.
    hub.publishHere(
      otherChannel.id,
      memberFaceEvent({
        id: user.id,
        username: "u",
        displayName: "U",
        online: true,
      }),
    );
    assert.equal(memory.size, 1);
    assert.equal(
      await countReads(
        kv,
        () => memory.read(user.id, "t1", channelId, "standing").then(() => {}),
      ),
      1,
    );
  }));

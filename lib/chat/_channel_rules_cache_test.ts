import assert from "node:assert/strict";
import { updateChannel } from "../db/channel_changes.ts";
import { createChannel } from "../db/channels.ts";
import { createUser } from "../db/users.ts";
import { channelDeletedEvent, Hub, messageEvent } from "../realtime/hub.ts";
import { makeMessage } from "../realtime/_test_helpers.ts";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { ChannelRulesCache } from "./_channel_rules_cache.ts";
import { channelChangedEvent } from "./channel_admin.ts";

// Two instances: one KV database, hubs joined by a relay, a cache each.
async function withTwoInstances(
  body: (
    kv: Deno.Kv,
    a: { hub: Hub; cache: ChannelRulesCache },
    b: { hub: Hub; cache: ChannelRulesCache },
    channelId: string,
  ) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const relay = `hearth-rules-${crypto.randomUUID()}`;
  const hubs = [new Hub({ relay }), new Hub({ relay })];
  try {
    const owner = await createUser(kv, {
      username: "owner",
      passwordHash: "x",
    });
    const channel = await createChannel(kv, owner.id, { name: "rules" });
    const [a, b] = hubs.map((hub) => ({
      hub,
      cache: new ChannelRulesCache({ kv, hub }),
    }));
    await body(kv, a, b, channel.id);
  } finally {
    for (const hub of hubs) hub.close();
    kv.close();
  }
}

Deno.test("Channel rules are read once, and a change of the channel drops them on this instance and on another", async () => {
  await withTwoInstances(async (kv, a, b, channelId) => {
    assert.equal((await a.cache.record(channelId))?.slowModeSeconds, undefined);
    assert.equal((await b.cache.record(channelId))?.postPolicy, undefined);
    const record = await updateChannel(kv, channelId, {
      slowModeSeconds: 30,
      postPolicy: "moderators",
    });
    // Stored but not yet announced: both still answer from memory.
    assert.equal((await a.cache.record(channelId))?.slowModeSeconds, undefined);
    assert.equal((await b.cache.record(channelId))?.postPolicy, undefined);
    // Messages do not drop the rules.
    a.hub.publish(channelId, messageEvent(makeMessage(channelId, 1)));
    assert.equal((await a.cache.record(channelId))?.slowModeSeconds, undefined);
    a.hub.publish(channelId, channelChangedEvent(record));
    assert.equal((await a.cache.record(channelId))?.slowModeSeconds, 30);
    await waitFor(
      async () =>
        (await b.cache.record(channelId))?.postPolicy === "moderators",
      { what: "the other instance's cache dropping the old rules" },
    );
    assert.equal((await b.cache.record(channelId))?.slowModeSeconds, 30);
  });
});

Deno.test("A deleted channel's rules are dropped, and rules are read again after the time limit", async () => {
  await withTwoInstances(async (kv, a, _b, channelId) => {
    let clock = 0;
    const cache = new ChannelRulesCache({ kv, hub: a.hub }, {
      ttlMs: 1000,
      now: () => clock,
    });
    assert.equal((await cache.record(channelId))?.slowModeSeconds, undefined);
    await updateChannel(kv, channelId, { slowModeSeconds: 10 });
    clock = 999;
    assert.equal((await cache.record(channelId))?.slowModeSeconds, undefined);
    clock = 1000;
    assert.equal((await cache.record(channelId))?.slowModeSeconds, 10);
    await updateChannel(kv, channelId, { slowModeSeconds: 20 });
    a.hub.publish(channelId, channelDeletedEvent(channelId));
    assert.equal((await cache.record(channelId))?.slowModeSeconds, 20);
  });
});

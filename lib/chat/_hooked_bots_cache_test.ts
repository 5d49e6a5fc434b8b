import assert from "node:assert/strict";
import { createBot, setBotWebhook } from "../db/bots.ts";
import { Hub } from "../realtime/hub.ts";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { HookedBotsCache, hookedBotsOf } from "./_hooked_bots_cache.ts";
import { changeBotWebhook, deleteBot } from "./bots.ts";
import { Admin } from "./standing.ts";
import { account, withServices } from "./_test_services.ts";

const HOOK = {
  url: "https://bots.example/hook",
  secret: "s",
  channelIds: [],
};

const ids = async (cache: HookedBotsCache) =>
  (await cache.list()).map((bot) => bot.id);

Deno.test("Hooked bots are listed once, and an announced change drops the list on this instance and on another", async () => {
  const kv = await Deno.openKv(":memory:");
  const relay = `hearth-bots-${crypto.randomUUID()}`;
  const hubs = [new Hub({ relay }), new Hub({ relay })];
  try {
    const [a, b] = hubs.map((hub) => new HookedBotsCache({ kv, hub }));
    const bot = await createBot(kv, {
      username: "helper",
      createdBy: "someone",
      tokenHash: "x",
    });
    assert.deepEqual(await ids(a), []);
    assert.deepEqual(await ids(b), []);
    await setBotWebhook(kv, bot.user.id, () => HOOK);
    // Stored but not yet announced: both still answer from memory.
    assert.deepEqual(await ids(a), []);
    assert.deepEqual(await ids(b), []);
    // Other news does not drop the list.
    hubs[0].announce({ type: "friends", userId: bot.user.id });
    assert.deepEqual(await ids(a), []);
    hubs[0].announce({ type: "bots" });
    assert.deepEqual(await ids(a), [bot.user.id]);
    await waitFor(async () => (await ids(b)).length === 1, {
      what: "the other instance's cache dropping the old list",
    });
  } finally {
    for (const hub of hubs) hub.close();
    kv.close();
  }
});

Deno.test("Hooked bots are listed again after the time limit", async () => {
  const kv = await Deno.openKv(":memory:");
  const hub = new Hub();
  try {
    let clock = 0;
    const cache = new HookedBotsCache({ kv, hub }, {
      ttlMs: 1000,
      now: () => clock,
    });
    const bot = await createBot(kv, {
      username: "helper",
      createdBy: "someone",
      tokenHash: "x",
    });
    assert.deepEqual(await ids(cache), []);
    await setBotWebhook(kv, bot.user.id, () => HOOK);
    clock = 999;
    assert.deepEqual(await ids(cache), []);
    clock = 1000;
    assert.deepEqual(await ids(cache), [bot.user.id]);
  } finally {
    hub.close();
    kv.close();
  }
});

Deno.test("Setting, turning off a webhook and deleting a bot are seen by the next message's list at once", async () => {
  await withServices(async (services) => {
    const admin = Admin.check(services, {
      ...await account(services, "boss"),
      role: "admin",
    });
    const bot = await createBot(services.kv, {
      username: "helper",
      createdBy: admin.user.id,
      tokenHash: "x",
    });
    const other = await createBot(services.kv, {
      username: "other",
      createdBy: admin.user.id,
      tokenHash: "x",
    });
    const cache = hookedBotsOf(services);
    assert.deepEqual(await ids(cache), []);
    await changeBotWebhook(admin, bot.user.id, { webhookUrl: HOOK.url });
    await changeBotWebhook(admin, other.user.id, { webhookUrl: HOOK.url });
    assert.deepEqual(
      (await ids(cache)).sort(),
      [bot.user.id, other.user.id].sort(),
    );
    await changeBotWebhook(admin, other.user.id, { webhookUrl: null });
    assert.deepEqual(await ids(cache), [bot.user.id]);
    await deleteBot(admin, bot.user.id);
    assert.deepEqual(await ids(cache), []);
  });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  createBot,
  getBot,
  listBots,
  listHookedBots,
  replaceBotToken,
  setBotWebhook,
} from "../db/bots.ts";
import { deleteChannel } from "../db/channel_changes.ts";
import { createChannel, listUserChannels } from "../db/channels.ts";
import { createMessage } from "../db/messages.ts";
import { createUser, getUserRecord } from "../db/users.ts";
import { createWebhook, getWebhook, listWebhooks } from "../db/webhooks.ts";
import { MAX_CHANNEL_WEBHOOKS } from "../shared/integrations.ts";
import { importBackup } from "./import.ts";
import {
  allMessages,
  assertRefusals,
  exportAll,
  type RefusalCase,
  toStream,
} from "./_test_fixture.ts";

Deno.test("a backup carries bot accounts and messages posted by incoming webhooks", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const owner = await createUser(source, {
    username: "owner",
    passwordHash: "$2a$04$abcdefghijklmnopqrstuuJ6l0KzGmc7k1v7qgkW1PZ7tGQy8Vw2",
  });
  const [general] = await listUserChannels(source, owner.id);
  const bot = await createBot(source, {
    username: "deploybot",
    createdBy: owner.id,
    tokenHash: "hash",
  });
  await createMessage(source, {
    channelId: general.id,
    author: { ...bot.user, bot: true },
    content: "from the bot",
  });
  // A webhook's message names the webhook, which is no user.
  await createMessage(source, {
    channelId: general.id,
    author: {
      id: crypto.randomUUID(),
      username: "webhook",
      displayName: "CI",
      bot: true,
      webhook: true,
    },
    content: "from a webhook",
  });
  const lines = await exportAll(source);
  await importBackup(target, toStream(lines));
  const restored = await allMessages(target, general.id);
  assert.deepEqual(restored.map((m) => [m.content, m.author.bot]), [
    ["from the bot", true],
    ["from a webhook", true],
  ]);
  assert.equal(restored[1].author.webhook, true);
  const botRecord = await getUserRecord(target, bot.user.id);
  assert.deepEqual(botRecord?.bot, { tokenHash: "hash", generation: 1 });
});

/** A source with a bot that has an outgoing webhook, a deleted bot and an incoming webhook. */
async function integrationsSource(kv: Deno.Kv) {
  const owner = await createUser(kv, {
    username: "owner",
    passwordHash: "$2a$04$abcdefghijklmnopqrstuuJ6l0KzGmc7k1v7qgkW1PZ7tGQy8Vw2",
  });
  const [general] = await listUserChannels(kv, owner.id);
  const gone = await createChannel(kv, owner.id, { name: "gone" });
  const bot = await createBot(kv, {
    username: "deploybot",
    createdBy: owner.id,
    tokenHash: "hash",
  });
  await setBotWebhook(kv, bot.user.id, () => ({
    url: "https://hooks.example.com/hearth",
    secret: "s3cret",
    channelIds: [general.id, gone.id],
  }));
  await deleteChannel(kv, gone.id);
  const retired = await createBot(kv, {
    username: "oldbot",
    createdBy: owner.id,
    tokenHash: "old",
  });
  await replaceBotToken(kv, retired.user.id, null, (record) => ({
    ...record,
    deletedAt: new Date().toISOString(),
  }));
  const hook = {
    id: crypto.randomUUID(),
    channelId: general.id,
    name: "CI",
    secretHash: "hashed-secret",
    createdBy: owner.id,
    createdAt: new Date().toISOString(),
  };
  await createWebhook(kv, hook);
  return { owner, general, gone, bot, retired, hook };
}

Deno.test("a backup carries bots' records, outgoing webhooks included, and incoming webhooks", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const { general, gone, bot, hook } = await integrationsSource(source);
  const lines = await exportAll(source);
  const counts = JSON.parse(lines.at(-1)!).counts;
  assert.equal(counts.bots, 2);
  assert.equal(counts.webhooks, 1);
  await importBackup(target, toStream(lines));

  // Listed under /bots as before, the deleted one still marked.
  const before = await listBots(source);
  const after = await listBots(target);
  assert.deepEqual(after.map((b) => b.user.username), ["deploybot", "oldbot"]);
  assert.ok(after[1].record.deletedAt);
  // The outgoing webhook keeps its URL and secret (deliveries are signed
  // with it) and hears the channels that still exist.
  const hooked = await getBot(target, bot.user.id);
  assert.deepEqual(hooked?.record.webhook, {
    url: "https://hooks.example.com/hearth",
    secret: "s3cret",
    channelIds: [general.id],
  });
  assert.ok(
    before[0].record.webhook?.channelIds.includes(gone.id),
    "the source still names the deleted channel",
  );
  assert.deepEqual(
    (await listHookedBots(target)).map((r) => r.id),
    [bot.user.id],
  );
  // The incoming webhook answers its URL again, listed in its channel.
  assert.deepEqual(await getWebhook(target, hook.id), hook);
  assert.deepEqual(await listWebhooks(target, general.id), [hook]);
});

/** The fields of a bot or webhook line the refusal cases change. */
interface IntegrationLine {
  bot: { id: string; webhook: { url: string; channelIds: string[] } };
  webhook: { id: string; channelId: string; createdBy: string };
}

Deno.test("a backup's bot and webhook lines are checked against what comes before them", async () => {
  using source = await Deno.openKv(":memory:");
  const { owner } = await integrationsSource(source);
  const lines = await exportAll(source);
  // The bot with an outgoing webhook (bots come in id order, so either first).
  const botLine = lines.findIndex((l) =>
    l.startsWith('{"type":"bot"') && JSON.parse(l).bot.webhook !== null
  );
  const hookLine = lines.findIndex((l) => l.startsWith('{"type":"webhook"'));
  assert.ok(botLine > 0 && hookLine > 0);
  const edit =
    (line: number, change: (record: IntegrationLine) => void) =>
    (c: string[]) => {
      const record = JSON.parse(c[line]);
      change(record);
      c[line] = JSON.stringify(record);
    };
  const cases: RefusalCase[] = [
    [
      "a bot record of a person's account",
      edit(botLine, (r) => r.bot.id = owner.id),
      botLine + 1,
      /bot ".*" has no bot account before this line/,
    ],
    [
      "a bot twice",
      (c) => c.splice(botLine + 1, 0, c[botLine]),
      botLine + 2,
      /bot ".*" appears twice/,
    ],
    [
      "a bot hearing a channel not in the backup",
      edit(botLine, (r) => r.bot.webhook.channelIds.push(crypto.randomUUID())),
      botLine + 1,
      /channel ".*" is not in the backup before this line/,
    ],
    [
      "a bot whose webhook is no http URL",
      edit(botLine, (r) => r.bot.webhook.url = "file:///etc/passwd"),
      botLine + 1,
      /bot record: bot\.webhook\.url/,
    ],
    [
      "a webhook of a channel not in the backup",
      edit(hookLine, (r) => r.webhook.channelId = crypto.randomUUID()),
      hookLine + 1,
      /channel ".*" is not in the backup before this line/,
    ],
    [
      "a webhook made by nobody",
      edit(hookLine, (r) => r.webhook.createdBy = "nobody"),
      hookLine + 1,
      /user "nobody" is not in the backup/,
    ],
    [
      "a webhook twice",
      (c) => c.splice(hookLine + 1, 0, c[hookLine]),
      hookLine + 2,
      /webhook ".*" appears twice/,
    ],
    [
      "a channel with more webhooks than its cap",
      (c) => {
        const extra = Array.from({ length: MAX_CHANNEL_WEBHOOKS }, () => {
          const record = JSON.parse(c[hookLine]);
          record.webhook.id = crypto.randomUUID();
          return JSON.stringify(record);
        });
        c.splice(hookLine + 1, 0, ...extra);
      },
      hookLine + 1 + MAX_CHANNEL_WEBHOOKS,
      new RegExp(`more than ${MAX_CHANNEL_WEBHOOKS} webhooks`),
    ],
  ];
  await assertRefusals(lines, cases);
});

Deno.test("a backup written before bots' records and webhooks were carried still imports", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const { bot } = await integrationsSource(source);
  // Without their lines and their counts, as such a backup was written.
  const lines = (await exportAll(source)).filter((line) =>
    !line.startsWith('{"type":"bot"') && !line.startsWith('{"type":"webhook"')
  );
  const trailer = JSON.parse(lines.pop()!);
  delete trailer.counts.bots;
  delete trailer.counts.webhooks;
  trailer.lines = lines.length;
  trailer.sha256 = createHash("sha256")
    .update(lines.map((line) => line + "\n").join(""))
    .digest("hex");
  lines.push(JSON.stringify(trailer));
  await importBackup(target, toStream(lines));
  assert.deepEqual(await listBots(target), []);
  assert.equal((await getUserRecord(target, bot.user.id))?.bot?.generation, 1);
});

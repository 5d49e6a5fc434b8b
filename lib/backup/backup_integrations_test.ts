import assert from "node:assert/strict";
import { createBot } from "../db/bots.ts";
import { listUserChannels } from "../db/channels.ts";
import { createMessage } from "../db/messages.ts";
import { createUser, getUserRecord } from "../db/users.ts";
import { importBackup } from "./import.ts";
import { allMessages, exportAll, toStream } from "./_test_fixture.ts";

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

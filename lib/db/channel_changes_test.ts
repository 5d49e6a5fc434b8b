import assert from "node:assert/strict";
import { deleteChannel, updateChannel } from "./channel_changes.ts";
import { catchUpChannel } from "./search_index.ts";
import { addMember, createChannel, getChannel, markRead } from "./channels.ts";
import { createMessage } from "./messages.ts";
import { createWebhook, getWebhook } from "./webhooks.ts";
import { randomUser, withKv } from "./_test_utils.ts";

async function keysMentioning(kv: Deno.Kv, id: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of kv.list({ prefix: [] })) {
    if (entry.key.includes(id)) found.push(JSON.stringify(entry.key));
  }
  return found;
}

Deno.test("deleteChannel() leaves no row of the channel and reports its members and files", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    const other = await randomUser(kv);
    const channel = await createChannel(kv, owner.id, { name: "doomed" });
    await addMember(kv, channel.id, other.username);
    const author = {
      id: other.id,
      username: other.username,
      displayName: other.displayName,
    };
    for (let i = 0; i < 5; i++) {
      await createMessage(kv, {
        channelId: channel.id,
        author,
        content: `m${i}`,
        clientId: `c${i}`,
      });
    }
    const file = { id: "file-1", name: "a.txt", size: 1, type: "text/plain" };
    await createMessage(kv, {
      channelId: channel.id,
      author,
      content: "",
      file,
    });
    // A reply that mentions the owner: the reply and mention indexes go too.
    await createMessage(kv, {
      channelId: channel.id,
      author,
      content: `@${owner.username} see above`,
      replyTo: 1,
      mentionNames: [owner.username.toLowerCase()],
    });
    await markRead(kv, other.id, channel.id, 3);
    const hookId = crypto.randomUUID();
    await createWebhook(kv, {
      id: hookId,
      channelId: channel.id,
      name: "CI",
      secretHash: "hash",
      createdBy: owner.id,
      createdAt: new Date().toISOString(),
    });
    // The search index holds rows of its own under the channel.
    await catchUpChannel(kv, channel.id);
    assert.ok((await keysMentioning(kv, channel.id)).length > 10);

    const deleted = await deleteChannel(kv, channel.id);
    assert.deepEqual(deleted.memberIds.sort(), [owner.id, other.id].sort());
    assert.deepEqual(deleted.fileIds, ["file-1"]);
    assert.deepEqual(await keysMentioning(kv, channel.id), []);
    assert.equal(await getWebhook(kv, hookId), null);
    assert.equal(await getChannel(kv, channel.id), null);
    await assert.rejects(() => deleteChannel(kv, channel.id), /not found/);
    // Its name is free again.
    await createChannel(kv, owner.id, { name: "DOOMED" });
  }));

Deno.test("updateChannel() moves the name index with the name, and refuses a taken one", () =>
  withKv(async (kv) => {
    const owner = await randomUser(kv);
    const a = await createChannel(kv, owner.id, { name: "alpha" });
    await createChannel(kv, owner.id, { name: "beta" });
    await assert.rejects(
      () => updateChannel(kv, a.id, { name: "Beta" }),
      /already exists/,
    );
    const renamed = await updateChannel(kv, a.id, { name: "gamma" });
    assert.equal(renamed.name, "gamma");
    assert.equal(renamed.topic, "");
    await createChannel(kv, owner.id, { name: "alpha" });
    await assert.rejects(
      () => createChannel(kv, owner.id, { name: "GAMMA" }),
      /already exists/,
    );
    await assert.rejects(
      () => updateChannel(kv, a.id, { topic: "x".repeat(251) }),
      /at most 250/,
    );
  }));

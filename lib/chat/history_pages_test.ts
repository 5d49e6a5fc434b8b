import assert from "node:assert/strict";
import { createChannel } from "../db/channels.ts";
import type { Services } from "../services.ts";
import { account, withServices } from "./_test_services.ts";
import { readHistoryPage } from "./history_pages.ts";
import { editOwnMessage, react, removeMessage } from "./message_changes.ts";
import { postMessage } from "./messages.ts";
import { channelMember } from "./standing.ts";

async function room(services: Services) {
  const user = await account(services, "pages_ada");
  const channel = await createChannel(services.kv, user.id, { name: "pages" });
  // A fresh standing per request, as each HTTP request checks its own.
  return () => channelMember(services, channel.id, user);
}

Deno.test("a page of history is kept while its channel is unchanged, per query", async () => {
  await withServices(async (services) => {
    const member = await room(services);
    for (let i = 1; i <= 3; i++) {
      await postMessage(await member(), { content: `m${i}` });
    }
    const first = await readHistoryPage(await member(), {});
    assert.deepEqual(first.messages.map((m) => m.content), ["m1", "m2", "m3"]);
    assert.equal(await readHistoryPage(await member(), {}), first, "kept");
    const older = await readHistoryPage(await member(), { before: 3 });
    assert.deepEqual(older.messages.map((m) => m.content), ["m1", "m2"]);
    assert.equal(await readHistoryPage(await member(), {}), first);
  });
});

Deno.test("every change to a channel's messages gives a fresh page at once", async () => {
  await withServices(async (services) => {
    const member = await room(services);
    await postMessage(await member(), { content: "hello" });
    const contents = async () =>
      (await readHistoryPage(await member(), {})).messages;
    assert.equal((await contents()).length, 1);
    await postMessage(await member(), { content: "again" });
    assert.equal((await contents()).length, 2, "a post");
    await editOwnMessage(await member(), 1, "edited");
    assert.equal((await contents())[0].content, "edited", "an edit");
    await react(await member(), 1, "👍", true);
    assert.equal((await contents())[0].reactions.length, 1, "a reaction");
    await removeMessage(await member(), 2);
    assert.equal((await contents())[1].deleted, true, "a deletion");
  });
});

Deno.test("a long-lived standing's stamp is not trusted: its later reads see later posts", async () => {
  await withServices(async (services) => {
    const member = await room(services);
    await postMessage(await member(), { content: "first" });
    // Checked once, then used for a while, as a socket's standing is.
    const socketLike = await member();
    assert.equal((await readHistoryPage(socketLike, {})).messages.length, 1);
    await postMessage(await member(), { content: "second" });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // The page kept under the stamp it read at its check is stale by now.
    const later = await readHistoryPage(socketLike, {});
    assert.deepEqual(later.messages.map((m) => m.content), ["first", "second"]);
  });
});

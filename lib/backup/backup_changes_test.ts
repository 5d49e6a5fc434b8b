import assert from "node:assert/strict";
import { createChannel, joinChannel } from "../db/channels.ts";
import { listMentions } from "../db/mentions.ts";
import { createMessage, getChannelCounter } from "../db/messages.ts";
import {
  deleteMessage,
  editMessage,
  listChanges,
  setReaction,
} from "../db/message_changes.ts";
import { createUser } from "../db/users.ts";
import { importBackup } from "./import.ts";
import { allMessages, exportAll, toStream } from "./_test_fixture.ts";

// A channel with every kind of change: edits, tombstones (one a
// moderator's), replies (one whose quote was emptied), reactions and mentions.
async function buildChanges(kv: Deno.Kv) {
  const ada = await createUser(kv, { username: "ada", passwordHash: "h" });
  const bob = await createUser(kv, { username: "bob", passwordHash: "h" });
  const channel = await createChannel(kv, ada.id, { name: "changes" });
  await joinChannel(kv, channel.id, bob.id);
  const post = (author: typeof ada, content: string, replyTo?: number) =>
    createMessage(kv, {
      channelId: channel.id,
      author,
      content,
      replyTo,
      mentionNames: content.includes("@bob") ? ["bob"] : [],
    });
  await post(ada, "first");
  await post(bob, "second");
  await post(ada, "hey @bob", 2);
  await post(bob, "answer to first", 1);
  await editMessage(kv, channel.id, 2, {
    content: "second, edited",
    hasFile: false,
  });
  await setReaction(kv, channel.id, 2, {
    emoji: "🎉",
    userId: ada.id,
    add: true,
  });
  await setReaction(kv, channel.id, 2, {
    emoji: "👍🏽",
    userId: bob.id,
    add: true,
  });
  await setReaction(kv, channel.id, 2, {
    emoji: "🎉",
    userId: bob.id,
    add: true,
  });
  await deleteMessage(kv, channel.id, 1);
  await post(bob, "spam");
  await deleteMessage(kv, channel.id, 5, true);
  return { channelId: channel.id, bob };
}

Deno.test("a backup carries edits, tombstones (and who deleted them), replies, reactions, mentions and rev, and round-trips them", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const { channelId, bob } = await buildChanges(source);
  const lines = await exportAll(source);
  await importBackup(target, toStream(lines));

  const [before, after] = await Promise.all(
    [source, target].map((kv) => allMessages(kv, channelId)),
  );
  assert.deepEqual(after, before);
  assert.equal(after[0].deleted, true);
  assert.equal(after[0].deletedBy, undefined);
  assert.equal(
    after[4].deletedBy,
    "moderator",
    "a moderator's tombstone says so",
  );
  assert.equal(after[1].content, "second, edited");
  assert.equal(after[3].replyTo?.excerpt, "");
  assert.deepEqual(after[1].reactions.map((r) => [r.emoji, r.count]), [
    ["🎉", 2],
    ["👍🏽", 1],
  ]);
  assert.deepEqual(after[2].mentions, [bob.id]);
  assert.deepEqual(
    await getChannelCounter(target, channelId),
    await getChannelCounter(source, channelId),
  );
  // The derived indexes are rebuilt: the change log, mentions and replies.
  assert.deepEqual(
    await listChanges(target, channelId, 0),
    await listChanges(source, channelId, 0),
  );
  const ids = new Set([channelId]);
  assert.deepEqual(
    await listMentions(target, bob.id, ids, 10),
    await listMentions(source, bob.id, ids, 10),
  );
  // A restored database exports as it was imported.
  const again = await exportAll(target);
  assert.deepEqual(again.slice(1, -1), lines.slice(1, -1));
  const rev = (await getChannelCounter(target, channelId)).rev;
  const { changed } = await deleteMessage(target, channelId, 2);
  assert.deepEqual(changed.map((m) => [m.seq, m.rev]), [
    [2, rev + 1],
    [3, rev + 2],
  ], "the reply index was restored: the quote of seq 3 is emptied too");
});

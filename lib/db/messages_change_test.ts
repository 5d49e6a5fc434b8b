import assert from "node:assert/strict";
import { channelSeqKey } from "./_keys.ts";
import { createMessage, getChannelCounter, listMessages } from "./messages.ts";
import { editMessage, listChanges, setReaction } from "./message_changes.ts";
import { range, seqs, userWithChannel, withKv } from "./_test_utils.ts";

Deno.test("posts, edits and reactions at once: seqs stay gapless and every change gets its own rev", () =>
  withKv(async (kv) => {
    const { user, channelId } = await userWithChannel(kv);
    const first = await createMessage(kv, {
      channelId,
      author: user,
      content: "0",
    });
    const work: Promise<unknown>[] = [];
    for (let i = 1; i <= 30; i++) {
      work.push(
        createMessage(kv, { channelId, author: user, content: `${i}` }),
      );
      work.push(
        editMessage(kv, channelId, first.message.seq, {
          content: `edit ${i}`,
          hasFile: false,
        }),
      );
      work.push(
        setReaction(kv, channelId, first.message.seq, {
          emoji: ["👍", "🎉", "🔥"][i % 3],
          userId: `u${i}`,
          add: true,
        }),
      );
    }
    await Promise.all(work);
    const messages = await listMessages(kv, channelId, { limit: 200 });
    assert.deepEqual(seqs(messages), range(1, 31));
    const counter = await getChannelCounter(kv, channelId);
    assert.deepEqual(counter, { seq: 31, rev: 91 });
    const changes = await listChanges(kv, channelId, 0, { limit: 200 });
    const revs = changes.map((m) => m.rev);
    assert.equal(new Set(revs).size, 31, "each message once in the log");
    assert.deepEqual(revs, revs.toSorted((a, b) => a - b));
    assert.equal(revs.at(-1), 91);
    assert.equal(messages[0].content, "edit 30");
    assert.equal(
      messages[0].reactions.reduce((n, r) => n + r.count, 0),
      30,
    );
  }));

Deno.test("a counter stored as a bare seq (older databases) reads as that seq and rev", () =>
  withKv(async (kv) => {
    const { user, channelId } = await userWithChannel(kv);
    await createMessage(kv, { channelId, author: user, content: "a" });
    await kv.set(channelSeqKey(channelId), 1);
    const { message } = await createMessage(kv, {
      channelId,
      author: user,
      content: "b",
    });
    assert.deepEqual([message.seq, message.rev], [2, 2]);
    assert.deepEqual(await getChannelCounter(kv, channelId), {
      seq: 2,
      rev: 2,
    });
  }));

import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { createChannel } from "./channels.ts";
import { createMessage } from "./messages.ts";
import { followChangesInWorker } from "./search_follower.ts";
import { followSearchIndex } from "./search_open.ts";
import { openSqliteSearchIndex, sqliteIndexPath } from "./search_sqlite.ts";
import { createUser } from "./users.ts";

// Seqs the index names for `text` in the channel, without catching it up.
async function found(
  index: Awaited<ReturnType<typeof openSqliteSearchIndex>>,
  channelId: string,
  text: string,
): Promise<number[]> {
  const seqs: number[] = [];
  for await (const seq of index.candidates(channelId, text)) seqs.push(seq);
  return seqs;
}

Deno.test("the follower in a worker indexes committed messages in the file, and its stop waits for it and ends it", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/hearth.db`;
  const kv = await Deno.openKv(db);
  // This thread's own connection only reads what the worker wrote.
  const index = await openSqliteSearchIndex(kv, sqliteIndexPath(db));
  const stop = followChangesInWorker(kv, db, sqliteIndexPath(db), 10);
  try {
    const user = await createUser(kv, {
      username: "follower",
      passwordHash: "$2b$10$not-a-real-hash",
    });
    const channel = await createChannel(kv, user.id, { name: "followed" });
    const first = await createMessage(kv, {
      channelId: channel.id,
      author: user,
      content: "a lighthouse keeper",
    });
    await waitFor(
      async () => (await found(index, channel.id, "lighthouse")).length === 1,
      { what: "the worker indexing the first message" },
    );
    const second = await createMessage(kv, {
      channelId: channel.id,
      author: user,
      content: "another lighthouse",
    });
    await waitFor(
      async () => (await found(index, channel.id, "lighthouse")).length === 2,
      { what: "the worker indexing the second message" },
    );
    assert.deepEqual(await found(index, channel.id, "lighthouse"), [
      second.message.seq,
      first.message.seq,
    ]);
  } finally {
    await stop();
    index.close();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a database in memory keeps its follower in process", async () => {
  const kv = await Deno.openKv(":memory:");
  const index = await openSqliteSearchIndex(kv, ":memory:");
  let caughtUp = 0;
  const counting = {
    ...index,
    catchUp: (channelId: string) => {
      caughtUp++;
      return index.catchUp(channelId);
    },
  };
  const stop = followSearchIndex(kv, ":memory:", "sqlite", counting);
  try {
    const user = await createUser(kv, {
      username: "inprocess",
      passwordHash: "$2b$10$not-a-real-hash",
    });
    const channel = await createChannel(kv, user.id, { name: "here" });
    await createMessage(kv, {
      channelId: channel.id,
      author: user,
      content: "kept here",
    });
    await waitFor(() => caughtUp > 0, { what: "the in-process follower" });
  } finally {
    await stop();
    index.close();
    kv.close();
  }
});

import assert from "node:assert/strict";
import { createMessage, getLastSeq, listMessages } from "./messages.ts";
import {
  countReads,
  range,
  seqs,
  userWithChannel as setup,
  withKv,
} from "./_test_utils.ts";

Deno.test("createMessage() gives gapless seqs under concurrency", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    const results = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          createMessage(kv, { channelId, author: user, content: `m${i}` }),
      ),
    );
    assert.deepEqual(
      seqs(results.map((r) => r.message)).sort((a, b) => a - b),
      range(1, 20),
    );
    assert.deepEqual(seqs(await listMessages(kv, channelId)), range(1, 20));
    assert.equal(await getLastSeq(kv, channelId), 20);
  }));

Deno.test("createMessage() gives gapless seqs across competing KV handles", async () => {
  // Two handles on one database have separate in-process queues, so their
  // writes really conflict and go through the versionstamp check and retry.
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const first = await Deno.openKv(path);
  const second = await Deno.openKv(path);
  try {
    const { user, channelId } = await setup(first);
    const writes = Array.from(
      { length: 100 },
      (_, i) =>
        createMessage(i % 2 === 0 ? first : second, {
          channelId,
          author: user,
          content: `m${i}`,
          clientId: `client-${i}`,
        }),
    );
    const results = await Promise.all(writes);
    assert.ok(results.every((r) => r.created));
    const stored = await listMessages(first, channelId, { limit: 200 });
    assert.deepEqual(seqs(stored), range(1, 100));
    assert.deepEqual(
      stored.map((m) => m.clientId).sort(),
      range(0, 99).map((i) => `client-${i}`).sort(),
    );
    assert.equal(await getLastSeq(second, channelId), 100);
  } finally {
    first.close();
    second.close();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      await Deno.remove(file).catch(() => {});
    }
  }
});

Deno.test("createMessage() writes after its first batch without reading KV", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    await createMessage(kv, { channelId, author: user, content: "first" });
    const reads = await countReads(kv, async () => {
      for (let i = 0; i < 5; i++) {
        const { message } = await createMessage(kv, {
          channelId,
          author: user,
          content: `next ${i}`,
          clientId: `next-${i}`,
        });
        assert.equal(message.seq, i + 2);
      }
    });
    // The counter's versionstamp from the last commit stands in for a read.
    assert.equal(reads, 0);
    assert.deepEqual(seqs(await listMessages(kv, channelId)), range(1, 6));
  }));

Deno.test("createMessage() notices another writer after it wrote last", async () => {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const first = await Deno.openKv(path);
  const second = await Deno.openKv(path);
  try {
    const { user, channelId } = await setup(first);
    const input = { channelId, author: user, content: "a" };
    assert.equal((await createMessage(first, input)).message.seq, 1);
    // The other handle moves the counter and takes a clientId behind the
    // first handle's back; the first must neither reuse seq 2 nor store a twin.
    const theirs = await createMessage(second, { ...input, clientId: "x" });
    assert.equal(theirs.message.seq, 2);
    const again = await createMessage(first, { ...input, clientId: "x" });
    assert.equal(again.created, false);
    assert.deepEqual(again.message, theirs.message);
    assert.equal((await createMessage(first, input)).message.seq, 3);
    assert.deepEqual(seqs(await listMessages(second, channelId)), [1, 2, 3]);
  } finally {
    first.close();
    second.close();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      await Deno.remove(file).catch(() => {});
    }
  }
});

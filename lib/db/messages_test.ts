import assert from "node:assert/strict";
import { createChannel } from "./channels.ts";
import {
  createMessage,
  getLastSeq,
  listMessages,
  type NewMessage,
} from "./messages.ts";
import type { User } from "./users.ts";
import { randomUser, withKv } from "./_test_utils.ts";

async function setup(kv: Deno.Kv): Promise<{ user: User; channelId: string }> {
  const user = await randomUser(kv);
  const channel = await createChannel(kv, user.id, { name: "chat" });
  return { user, channelId: channel.id };
}

async function fill(kv: Deno.Kv, channelId: string, author: User, n: number) {
  for (let i = 1; i <= n; i++) {
    await createMessage(kv, { channelId, author, content: `message ${i}` });
  }
}

const seqs = (messages: { seq: number }[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("createMessage() stores the message with the public shape", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    const { message, created } = await createMessage(kv, {
      channelId,
      author: { ...user, passwordHash: "h" } as NewMessage["author"],
      content: "  hello  ",
      clientId: "c-1",
    });
    assert.equal(created, true);
    assert.deepEqual(Object.keys(message).sort(), [
      "author",
      "channelId",
      "clientId",
      "content",
      "createdAt",
      "file",
      "id",
      "seq",
    ]);
    assert.equal(message.seq, 1);
    assert.equal(message.content, "hello");
    assert.equal(message.file, null);
    assert.deepEqual(message.author, {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
    });
    assert.deepEqual(await listMessages(kv, channelId), [message]);
    const plain = await createMessage(kv, {
      channelId,
      author: user,
      content: "no client id",
    });
    assert.equal("clientId" in plain.message, false);
    assert.equal(await getLastSeq(kv, channelId), 2);
  }));

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
    let reads = 0;
    const getMany = kv.getMany.bind(kv);
    const get = kv.get.bind(kv);
    kv.getMany = ((keys: Deno.KvKey[]) => {
      reads++;
      return getMany(keys);
    }) as Deno.Kv["getMany"];
    kv.get = ((key: Deno.KvKey) => {
      reads++;
      return get(key);
    }) as Deno.Kv["get"];
    for (let i = 0; i < 5; i++) {
      const { message } = await createMessage(kv, {
        channelId,
        author: user,
        content: `next ${i}`,
        clientId: `next-${i}`,
      });
      assert.equal(message.seq, i + 2);
    }
    // The counter's versionstamp from the last commit stands in for a read.
    assert.equal(reads, 0);
    kv.getMany = getMany;
    kv.get = get;
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

Deno.test("createMessage() returns the stored message for a repeated clientId", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    const other = await randomUser(kv);
    const input = { channelId, author: user, content: "once", clientId: "abc" };
    const first = await createMessage(kv, input);
    const again = await createMessage(kv, { ...input, content: "changed" });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.deepEqual(again.message, first.message);
    // The same clientId from another author is a different message.
    const theirs = await createMessage(kv, { ...input, author: other });
    assert.equal(theirs.created, true);
    assert.equal(theirs.message.seq, 2);
    assert.equal(await getLastSeq(kv, channelId), 2);
  }));

Deno.test("createMessage() stores one message for concurrent repeats of a clientId", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        createMessage(kv, {
          channelId,
          author: user,
          content: "retry me",
          clientId: "same",
        })),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.ok(results.every((r) => r.message.id === results[0].message.id));
    assert.deepEqual(seqs(await listMessages(kv, channelId)), [1]);
  }));

Deno.test("createMessage() checks content length after trimming", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    for (const content of ["", "   \n\t ", "x".repeat(4001)]) {
      await assert.rejects(
        createMessage(kv, { channelId, author: user, content }),
        { status: 422, code: "validation_failed" },
      );
    }
    const max = await createMessage(kv, {
      channelId,
      author: user,
      content: ` ${"x".repeat(4000)} `,
    });
    assert.equal(max.message.content.length, 4000);
    await assert.rejects(
      createMessage(kv, {
        channelId,
        author: user,
        content: "hi",
        clientId: "has space",
      }),
      { status: 422 },
    );
    await assert.rejects(
      createMessage(kv, {
        channelId,
        author: user,
        content: "hi",
        clientId: "x".repeat(65),
      }),
      { status: 422 },
    );
    // Rejected messages never took a seq.
    assert.equal(await getLastSeq(kv, channelId), 1);
  }));

Deno.test("createMessage() accepts empty content with a file and links it", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    const file = { id: "f1", name: "cat.png", size: 1234, type: "image/png" };
    const { message } = await createMessage(kv, {
      channelId,
      author: user,
      content: "  ",
      file,
    });
    assert.equal(message.content, "");
    assert.deepEqual(message.file, { ...file, url: "/files/f1" });
    assert.deepEqual((await listMessages(kv, channelId))[0].file, message.file);
  }));

Deno.test("createMessage() refuses an unknown channel with 404", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    const [bad, good] = await Promise.allSettled([
      createMessage(kv, { channelId: "missing", author: user, content: "x" }),
      createMessage(kv, { channelId, author: user, content: "y" }),
    ]);
    assert.equal(bad.status, "rejected");
    assert.equal((bad as PromiseRejectedResult).reason.status, 404);
    assert.equal(good.status, "fulfilled");
    assert.equal(await getLastSeq(kv, "missing"), 0);
  }));

Deno.test("listMessages() returns the newest page oldest first by default", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    assert.deepEqual(await listMessages(kv, channelId), []);
    await fill(kv, channelId, user, 60);
    assert.deepEqual(seqs(await listMessages(kv, channelId)), range(11, 60));
    assert.deepEqual(
      seqs(await listMessages(kv, channelId, { limit: 5 })),
      range(56, 60),
    );
  }));

Deno.test("listMessages() pages back with before and catches up with after", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    await fill(kv, channelId, user, 30);
    const page = (o: Parameters<typeof listMessages>[2]) =>
      listMessages(kv, channelId, o).then(seqs);
    assert.deepEqual(await page({ before: 21, limit: 10 }), range(11, 20));
    assert.deepEqual(await page({ before: 5, limit: 10 }), range(1, 4));
    assert.deepEqual(await page({ before: 1 }), []);
    assert.deepEqual(await page({ before: 1000, limit: 3 }), [28, 29, 30]);
    assert.deepEqual(await page({ after: 10, limit: 5 }), range(11, 15));
    assert.deepEqual(await page({ after: 25 }), range(26, 30));
    assert.deepEqual(await page({ after: 30 }), []);
    assert.deepEqual(await page({ after: 0, limit: 3 }), [1, 2, 3]);
    assert.deepEqual(await page({ after: 5, before: 9 }), [6, 7, 8]);
    assert.deepEqual(await page({ after: 5, before: 20, limit: 2 }), [6, 7]);
    assert.deepEqual(await page({ after: 5, before: 6 }), []);
    assert.deepEqual(await page({ after: 9, before: 3 }), []);
    // Messages of other channels never leak into a page.
    const other = await createChannel(kv, user.id, { name: "other" });
    await fill(kv, other.id, user, 3);
    assert.deepEqual(await page({ after: 28 }), [29, 30]);
    assert.deepEqual(await page({}), range(1, 30));
  }));

Deno.test("listMessages() clamps limit to 1..200 and rejects bad cursors", () =>
  withKv(async (kv) => {
    const { user, channelId } = await setup(kv);
    await Promise.all(
      Array.from(
        { length: 210 },
        (_, i) =>
          createMessage(kv, { channelId, author: user, content: `m${i}` }),
      ),
    );
    assert.deepEqual(
      seqs(await listMessages(kv, channelId, { limit: 500 })),
      range(11, 210),
    );
    assert.deepEqual(
      seqs(await listMessages(kv, channelId, { limit: 0 })),
      [210],
    );
    for (
      const bad of [{ before: -1 }, { after: 1.5 }, { limit: -3 }, {
        after: Number.NaN,
      }]
    ) {
      await assert.rejects(listMessages(kv, channelId, bad), { status: 422 });
    }
  }));

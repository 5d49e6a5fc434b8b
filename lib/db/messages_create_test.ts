import assert from "node:assert/strict";
import {
  createMessage,
  getLastSeq,
  listMessages,
  type NewMessage,
} from "./messages.ts";
import {
  randomUser,
  seqs,
  userWithChannel as setup,
  withKv,
} from "./_test_utils.ts";

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
      "mentions",
      "reactions",
      "rev",
      "seq",
    ]);
    assert.equal(message.seq, 1);
    assert.equal(message.rev, 1);
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

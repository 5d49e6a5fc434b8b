import assert from "node:assert/strict";
import { listUserChannels } from "../db/channels.ts";
import { createMessage } from "../db/messages.ts";
import { createUser } from "../db/users.ts";
import { collect, randomBytes, sha256, streamOf } from "../files/_testing.ts";
import { commitFileMeta, getFileMeta, readFileStream } from "../files/store.ts";
import { stageFile } from "../files/upload.ts";
import { importBackup } from "./import.ts";
import { allMessages, exportAll, MiB, toStream } from "./_test_fixture.ts";

Deno.test("a large backup is written in many atomics within KV's limits", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const user = await createUser(source, {
    username: "writer",
    passwordHash: "h",
  });
  const [general] = await listUserChannels(source, user.id);
  const author = { id: user.id, username: user.username, displayName: "W" };
  // 1,500 messages with clientIds (3,000 rows) and 8 MiB of file chunks.
  await Promise.all(
    Array.from({ length: 1500 }, (_, i) =>
      createMessage(source, {
        channelId: general.id,
        author,
        content: `${i} ${"x".repeat(i % 500)}`,
        clientId: `id-${i}`,
      })),
  );
  const staged = await stageFile(source, streamOf(randomBytes(8 * MiB)), {
    name: "big.bin",
    maxBytes: 16 * MiB,
  });
  await commitFileMeta(source, {
    ...staged,
    channelId: general.id,
    uploaderId: user.id,
    createdAt: new Date().toISOString(),
  });
  const lines = await exportAll(source);
  const { counts } = await importBackup(target, toStream(lines, 64 * 1024));
  assert.equal(counts.messages, 1500);
  assert.equal(counts.clientIds, 1500);
  assert.equal(counts.chunks, 128);
  const meta = await getFileMeta(target, staged.id);
  assert.ok(meta);
  assert.equal(
    sha256(await collect(readFileStream(target, meta))),
    staged.sha256,
  );
  assert.deepEqual(
    await allMessages(target, general.id),
    await allMessages(source, general.id),
  );
});

import assert from "node:assert/strict";
import {
  createChannel,
  getChannel,
  joinChannel,
  listAllChannels,
  listMembers,
  markRead,
} from "../db/channels.ts";
import { createMessage } from "../db/messages.ts";
import { createUser, getUserRecordByName, type User } from "../db/users.ts";
import { randomBytes, streamOf } from "../files/_testing.ts";
import { deleteFileChunks, fileKey } from "../files/_keys.ts";
import { commitFileMeta, getFileMeta } from "../files/store.ts";
import { stageFile } from "../files/upload.ts";
import { exportLines } from "./export.ts";
import { importBackup } from "./import.ts";
import {
  allKeys,
  allMessages,
  buildSource,
  MiB,
  toStream,
} from "./_test_fixture.ts";

Deno.test("an export taken while others write is consistent and importable", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  const [alice] = built.users;
  const author = {
    id: alice.id,
    username: alice.username,
    displayName: alice.displayName,
  };
  let writing = true;
  let posted = 0;
  const writer = (async () => {
    let n = 0;
    while (writing) {
      n++;
      // New users join general, new channels appear, messages keep coming.
      if (n % 10 === 0) {
        const user = await createUser(source, {
          username: `late${n}`,
          passwordHash: "h",
        });
        const channel = await createChannel(source, user.id, {
          name: `late-${n}`,
        });
        await joinChannel(source, channel.id, alice.id);
        await createMessage(source, {
          channelId: channel.id,
          author: {
            id: user.id,
            username: user.username,
            displayName: user.displayName,
          },
          content: "first",
        });
        await markRead(source, user.id, built.generalId, 1_000_000);
      }
      await Promise.all(
        built.channelIds.map((channelId) =>
          createMessage(source, {
            channelId,
            author,
            content: `live ${n}`,
            clientId: `live-${n}`,
          })
        ),
      );
      posted += 3;
      await markRead(source, alice.id, built.generalId, 1_000_000);
    }
  })();
  const lines: string[] = [];
  // Hand control to the writers after every line, so the export and the
  // writes interleave as much as they can.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await exportLines(source, async (line) => {
    lines.push(line);
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  writing = false;
  await writer;
  assert.ok(posted > 0);

  const { counts } = await importBackup(target, toStream(lines));
  assert.ok(counts.messages >= 34);
  // Each channel's messages run 1..lastSeq with nothing missing, and the
  // member count agrees with the member rows.
  for (const channel of await listAllChannels(target, alice.id)) {
    const messages = await allMessages(target, channel.id);
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: channel.lastSeq }, (_, i) => i + 1),
    );
    assert.equal(
      channel.memberCount,
      (await listMembers(target, channel.id)).length,
    );
    assert.ok(channel.unread >= 0);
  }
});

Deno.test("an export keeps to the cut it takes at the start", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  const [alice, bob] = built.users;
  const as = (u: User) => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
  });
  let late: User | null = null;
  let lateChannel = "";
  let lateFile = "";
  const lines: string[] = [];
  await exportLines(source, async (line) => {
    lines.push(line);
    // Right after the first user is written, the channels and counters
    // have been read: everything below happens after the cut.
    if (line.startsWith('{"type":"user"') && lateChannel === "") {
      await createMessage(source, {
        channelId: built.generalId,
        author: as(alice),
        content: "after the cut",
      });
      lateChannel = (await createChannel(source, alice.id, { name: "later" }))
        .id;
      await markRead(source, bob.id, built.generalId, 1_000);
    }
    // After the users were listed: a new account joins general and shares a file.
    if (line.startsWith('{"type":"channel"') && late === null) {
      late = await createUser(source, { username: "late", passwordHash: "h" });
      const staged = await stageFile(source, streamOf(randomBytes(100)), {
        name: "late.bin",
        maxBytes: MiB,
      });
      await commitFileMeta(source, {
        ...staged,
        channelId: built.generalId,
        uploaderId: late.id,
        createdAt: new Date().toISOString(),
      });
      lateFile = staged.id;
    }
  });
  assert.ok(late !== null);
  await importBackup(target, toStream(lines));

  const general = await getChannel(target, built.generalId, bob.id);
  assert.equal(general?.lastSeq, 30);
  assert.equal(general?.memberCount, 2);
  assert.equal(general?.unread, 0); // bob's marker, clamped to the cut
  assert.equal(await getChannel(target, lateChannel), null);
  assert.equal(await getUserRecordByName(target, "late"), null);
  assert.equal(await getFileMeta(target, lateFile), null);
  assert.equal((await getChannel(source, built.generalId))?.memberCount, 3);
});

Deno.test("a file deleted while it is being exported is dropped from the backup", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  const [alice] = built.users;
  // Large enough to be read in several batches; no message points at it.
  const staged = await stageFile(source, streamOf(randomBytes(MiB)), {
    name: "retried.bin",
    maxBytes: 2 * MiB,
  });
  await commitFileMeta(source, {
    ...staged,
    channelId: built.generalId,
    uploaderId: alice.id,
    createdAt: new Date().toISOString(),
  });
  const lines: string[] = [];
  let deleted = false;
  await exportLines(source, async (line) => {
    lines.push(line);
    if (!deleted && line.includes(`"fileId":"${staged.id}"`)) {
      deleted = true;
      // What the data layer does: metadata first, then the chunks.
      await source.delete(fileKey(staged.id));
      await deleteFileChunks(source, staged.id);
    }
  });
  assert.ok(deleted);
  const trailer = JSON.parse(lines.at(-1)!);
  assert.equal(trailer.counts.droppedFiles, 1);
  assert.equal(trailer.counts.files, 2);
  assert.ok(lines.includes(
    JSON.stringify({ type: "file_dropped", fileId: staged.id }),
  ));
  await importBackup(target, toStream(lines));
  assert.equal(await getFileMeta(target, staged.id), null);
  assert.ok(
    !(await allKeys(target)).some((key) => key.includes(staged.id)),
    "no chunk of the dropped file is left",
  );
  for (const id of built.fileIds) assert.ok(await getFileMeta(target, id));
});

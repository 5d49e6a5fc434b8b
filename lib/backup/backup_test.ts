import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { isRevoked, revokeToken } from "../auth/revocations.ts";
import { loadSigningKey } from "../auth/secret.ts";
import {
  addMember,
  createChannel,
  getChannel,
  joinChannel,
  leaveChannel,
  listAllChannels,
  listMembers,
  listUserChannels,
  markRead,
} from "../db/channels.ts";
import {
  createMessage,
  type FileRef,
  listMessages,
  type Message,
} from "../db/messages.ts";
import {
  createUser,
  getUserRecordByName,
  type User,
  type UserRecord,
} from "../db/users.ts";
import { collect, randomBytes, sha256, streamOf } from "../files/_testing.ts";
import { deleteFileChunks, fileKey } from "../files/_keys.ts";
import {
  CHUNK_SIZE,
  commitFileMeta,
  getFileMeta,
  readFileStream,
} from "../files/store.ts";
import { stageFile } from "../files/upload.ts";
import { exportLines } from "./export.ts";
import { type BackupCounts, BackupError } from "./format.ts";
import { importBackup, TargetNotEmptyError } from "./import.ts";

const PASSWORD = "correct horse battery";
const MiB = 1024 * 1024;

interface Source {
  users: User[];
  channelIds: string[];
  generalId: string;
  fileIds: string[];
  /** A clientId used in general, its author and the seq it got. */
  clientId: { author: User; value: string; seq: number };
}

/** Builds a small but complete database through the real data-layer API. */
async function buildSource(kv: Deno.Kv): Promise<Source> {
  const hash = bcrypt.hashSync(PASSWORD, 4);
  const alice = await createUser(kv, {
    username: "Alice",
    displayName: "Alice Ärger 🦊",
    passwordHash: hash,
  });
  const bob = await createUser(kv, { username: "bob", passwordHash: hash });
  const carol = await createUser(kv, {
    username: "carol.c",
    passwordHash: bcrypt.hashSync("another password", 4),
  });
  const general = (await listUserChannels(kv, alice.id))[0];
  const random = await createChannel(kv, alice.id, {
    name: "Random",
    topic: "anything goes",
  });
  const secret = await createChannel(kv, bob.id, {
    name: "secret",
    private: true,
  });
  await addMember(kv, secret.id, "carol.c");
  await joinChannel(kv, random.id, bob.id);

  const author = (u: User) => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
  });
  const people = [alice, bob, carol];
  let twin: Source["clientId"] | null = null;
  for (let i = 1; i <= 30; i++) {
    const who = people[i % 3];
    const result = await createMessage(kv, {
      channelId: general.id,
      author: author(who),
      content: `message ${i} — naïve café ✓`,
      clientId: i % 2 === 0 ? `client-${i}` : undefined,
    });
    if (i === 12) {
      twin = { author: who, value: `client-${i}`, seq: result.message.seq };
    }
  }
  await createMessage(kv, {
    channelId: random.id,
    author: author(bob),
    content: "hello random",
  });
  await createMessage(kv, {
    channelId: secret.id,
    author: author(carol),
    content: "psst",
    clientId: "c:1",
  });

  // Files: a few chunks with a short last one, and an empty one.
  const fileIds: string[] = [];
  for (
    const [name, size] of [["photo.bin", 3 * CHUNK_SIZE + 1234], [
      "empty.txt",
      0,
    ]] as const
  ) {
    const staged = await stageFile(kv, streamOf(randomBytes(size), [7000]), {
      name,
      maxBytes: 10 * MiB,
    });
    await commitFileMeta(kv, {
      ...staged,
      channelId: random.id,
      uploaderId: alice.id,
      createdAt: new Date().toISOString(),
    });
    const file: FileRef = {
      id: staged.id,
      name: staged.name,
      size: staged.size,
      type: staged.type,
    };
    await createMessage(kv, {
      channelId: random.id,
      author: author(alice),
      content: "",
      file,
    });
    fileIds.push(staged.id);
  }

  await markRead(kv, bob.id, general.id, 10);
  await markRead(kv, alice.id, general.id, 30);
  await markRead(kv, carol.id, general.id, 4);
  // carol leaves general: her marker stays, the member count drops.
  await leaveChannel(kv, general.id, carol.id);

  await loadSigningKey(kv);
  await revokeToken(kv, "signed-out-jti", Math.floor(Date.now() / 1000) + 3600);
  return {
    users: [alice, bob, carol],
    channelIds: [general.id, random.id, secret.id],
    generalId: general.id,
    fileIds,
    clientId: twin!,
  };
}

async function exportAll(kv: Deno.Kv): Promise<string[]> {
  const lines: string[] = [];
  await exportLines(kv, (line) => {
    lines.push(line);
  }, { hearthVersion: "test" });
  return lines;
}

/** The lines as a byte stream cut into small pieces, so lines and characters straddle reads. */
function toStream(lines: string[], piece = 997): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(lines.map((l) => l + "\n").join(""));
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += piece) {
    pieces.push(bytes.slice(i, i + piece));
  }
  return ReadableStream.from(pieces);
}

async function allKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  const keys: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix: [] })) keys.push(entry.key);
  return keys;
}

async function allMessages(kv: Deno.Kv, channelId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let after = 0;
  while (true) {
    const page = await listMessages(kv, channelId, { after, limit: 200 });
    if (page.length === 0) return messages;
    messages.push(...page);
    after = page[page.length - 1].seq;
  }
}

Deno.test("a backup restores users, channels, messages, files and the signing key", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  const lines = await exportAll(source);

  const header = JSON.parse(lines[0]);
  assert.equal(header.format, "hearth-backup");
  assert.equal(header.version, 1);
  assert.equal(header.hearthVersion, "test");
  const trailer = JSON.parse(lines.at(-1)!);
  assert.equal(trailer.type, "trailer");
  assert.equal(trailer.lines, lines.length - 1);
  assert.deepEqual(
    trailer.counts,
    {
      users: 3,
      channels: 3,
      members: 6,
      readMarkers: 3,
      messages: 34,
      clientIds: 16,
      files: 2,
      chunks: 4,
      droppedFiles: 0,
      revokedTokens: 1,
      signingKeys: 1,
    } satisfies BackupCounts,
  );
  // The backup says what it holds, password hashes included.
  assert.ok(lines.some((l) => l.includes('"passwordHash":"$2')));

  const result = await importBackup(target, toStream(lines));
  assert.deepEqual(result.counts, trailer.counts);
  assert.equal(result.header.exportedAt, header.exportedAt);

  // Users keep their ids and hashes, so they can sign in as before.
  for (const user of built.users) {
    const before = await getUserRecordByName(source, user.username);
    const after = await getUserRecordByName(
      target,
      user.username.toUpperCase(),
    );
    assert.deepEqual(after, before);
  }
  const alice = await getUserRecordByName(target, "alice") as UserRecord;
  assert.ok(bcrypt.compareSync(PASSWORD, alice.passwordHash));
  assert.ok(!bcrypt.compareSync("wrong password", alice.passwordHash));

  // Channel lists, counts, unread and members are the same for everyone.
  for (const user of built.users) {
    assert.deepEqual(
      await listUserChannels(target, user.id),
      await listUserChannels(source, user.id),
    );
    assert.deepEqual(
      await listAllChannels(target, user.id),
      await listAllChannels(source, user.id),
    );
  }
  const general = await getChannel(target, built.generalId, built.users[1].id);
  assert.equal(general?.memberCount, 2);
  assert.equal(general?.lastSeq, 30);
  assert.equal(general?.unread, 20);
  for (const id of built.channelIds) {
    assert.deepEqual(
      await listMembers(target, id),
      await listMembers(source, id),
    );
    assert.deepEqual(
      await allMessages(target, id),
      await allMessages(source, id),
    );
  }
  assert.deepEqual(
    (await allMessages(target, built.generalId)).map((m) => m.seq),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );

  // Files read back byte for byte.
  for (const id of built.fileIds) {
    const before = await getFileMeta(source, id);
    const after = await getFileMeta(target, id);
    assert.ok(after !== null && before !== null);
    assert.deepEqual(after, before);
    const bytes = await collect(readFileStream(target, after));
    assert.equal(bytes.length, before.size);
    assert.equal(sha256(bytes), before.sha256);
    assert.equal(
      sha256(await collect(readFileStream(source, before))),
      sha256(bytes),
    );
  }

  // Tokens signed before stay valid; signed-out ones stay revoked.
  assert.deepEqual(await loadSigningKey(target), await loadSigningKey(source));
  assert.ok(await isRevoked(target, "signed-out-jti"));

  // The restored database goes on where the old one stopped.
  const bob = built.users[1];
  const next = await createMessage(target, {
    channelId: built.generalId,
    author: {
      id: bob.id,
      username: bob.username,
      displayName: bob.displayName,
    },
    content: "after the restore",
  });
  assert.equal(next.created, true);
  assert.equal(next.message.seq, 31);
  const twin = await createMessage(target, {
    channelId: built.generalId,
    author: {
      id: built.clientId.author.id,
      username: built.clientId.author.username,
      displayName: built.clientId.author.displayName,
    },
    content: "sent again",
    clientId: built.clientId.value,
  });
  assert.equal(twin.created, false);
  assert.equal(twin.message.seq, built.clientId.seq);
  assert.equal(twin.message.content, `message 12 — naïve café ✓`);
  await markRead(target, bob.id, built.generalId, 31);
  assert.equal(
    (await getChannel(target, built.generalId, bob.id))?.unread,
    0,
  );
  // Names stay unique after a restore.
  await assert.rejects(
    createUser(target, { username: "ALICE", passwordHash: "x" }),
    /already taken/,
  );
  await assert.rejects(
    createChannel(target, bob.id, { name: "random" }),
    /already exists/,
  );
});

Deno.test("exporting a restored database gives the same records", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const first = await exportAll(source);
  await importBackup(target, toStream(first));
  const second = await exportAll(target);
  // Everything but the header's time and the checksum that covers it.
  assert.deepEqual(second.slice(1, -1), first.slice(1, -1));
  const [a, b] = [first.at(-1)!, second.at(-1)!].map((l) => JSON.parse(l));
  assert.deepEqual(b.counts, a.counts);
  assert.equal(b.lines, a.lines);
});

Deno.test("an empty database exports and imports", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const lines = await exportAll(source);
  assert.equal(lines.length, 2);
  await importBackup(target, toStream(lines));
  assert.deepEqual(await allKeys(target), []);
});

Deno.test("a backup without its trailer is refused and leaves nothing behind", async () => {
  using source = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  for (const cut of [lines.length - 1, Math.floor(lines.length / 2), 1]) {
    using target = await Deno.openKv(":memory:");
    await assert.rejects(
      importBackup(target, toStream(lines.slice(0, cut))),
      (error: unknown) => {
        assert.ok(error instanceof BackupError);
        assert.match(error.message, /incomplete.*without its trailer/);
        return true;
      },
    );
    assert.deepEqual(await allKeys(target), [], `cut at ${cut}`);
  }
  // Cut inside a line: the last line is not whole JSON.
  using target = await Deno.openKv(":memory:");
  const text = lines.join("\n");
  const stream = ReadableStream.from([
    new TextEncoder().encode(text.slice(0, text.length - 20)),
  ]);
  await assert.rejects(importBackup(target, stream), BackupError);
  assert.deepEqual(await allKeys(target), []);
});

Deno.test("importing into a database that has users is refused", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  await createUser(target, { username: "someone", passwordHash: "x" });
  const before = await allKeys(target);
  await assert.rejects(
    importBackup(target, toStream(lines)),
    (error: unknown) => {
      assert.ok(error instanceof TargetNotEmptyError);
      assert.match(error.message, /already has users/);
      return true;
    },
  );
  assert.deepEqual(await allKeys(target), before);
});

Deno.test("a database holding only a signing key (a server started once) can be imported into", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  const fresh = await loadSigningKey(target);
  await importBackup(target, toStream(lines));
  const restored = await loadSigningKey(target);
  assert.notDeepEqual(restored, fresh);
  assert.deepEqual(restored, await loadSigningKey(source));
});

Deno.test("a malformed line is refused with its line number", async () => {
  using source = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  const messageLine = lines.findIndex((l) => l.startsWith('{"type":"message"'));
  const firstLine = lines.findIndex((l) =>
    l.includes('"content":"message 1 —')
  );
  const secondLine = lines.findIndex((l) =>
    l.includes('"content":"message 2 —')
  );
  assert.equal(secondLine, firstLine + 1);
  const cases: Array<[string, (copy: string[]) => void, number, RegExp]> = [
    ["not JSON", (c) => c[4] = "{not json", 5, /not valid JSON/],
    [
      "wrong type",
      (c) => {
        const record = JSON.parse(c[messageLine]);
        record.message.seq = "1";
        c[messageLine] = JSON.stringify(record);
      },
      messageLine + 1,
      /message record: message\.seq/,
    ],
    [
      "unknown record",
      (c) => c[3] = '{"type":"mystery"}',
      4,
      /unknown record type "mystery"/,
    ],
    ["blank line", (c) => c[6] = "", 7, /not valid JSON/],
    [
      "altered content",
      (c) => c[firstLine] = c[firstLine].replace("message 1 ", "message X "),
      lines.length,
      /SHA-256/,
    ],
    [
      "a message missing",
      (c) => c.splice(secondLine, 1),
      secondLine + 1,
      /message seq 3 .* where 2 comes next/,
    ],
    [
      "data after the trailer",
      (c) => c.push(c[1]),
      lines.length + 1,
      /more after the trailer/,
    ],
    [
      "newer version",
      (c) => c[0] = c[0].replace('"version":1', '"version":2'),
      1,
      /format version 2, newer than this Hearth reads \(1\)/,
    ],
    [
      "not a backup",
      (c) => c[0] = '{"hello":"world"}',
      1,
      /not a Hearth backup/,
    ],
  ];
  for (const [name, damage, line, pattern] of cases) {
    using target = await Deno.openKv(":memory:");
    const copy = [...lines];
    damage(copy);
    await assert.rejects(
      importBackup(target, toStream(copy)),
      (error: unknown) => {
        assert.ok(error instanceof BackupError, `${name}: ${error}`);
        assert.equal(error.line, line, `${name}: ${error.message}`);
        assert.match(error.message, new RegExp(`^line ${line}: `), name);
        assert.match(error.message, pattern, name);
        return true;
      },
    );
    assert.deepEqual(await allKeys(target), [], name);
  }
});

Deno.test("a damaged file chunk is refused", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  const at = lines.findIndex((l) => l.startsWith('{"type":"chunk"'));
  const chunk = JSON.parse(lines[at]);
  const bytes = Uint8Array.fromBase64(chunk.data);
  bytes[100] ^= 0xff;
  chunk.data = bytes.toBase64();
  lines[at] = JSON.stringify(chunk);
  await assert.rejects(
    importBackup(target, toStream(lines)),
    /do not match its sha256/,
  );
  assert.deepEqual(await allKeys(target), []);
});

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

import assert from "node:assert/strict";
// Shared setup for this folder's tests: a source database and ways to move it.
import bcrypt from "bcryptjs";
import { revokeToken } from "../auth/revocations.ts";
import { loadSigningKey } from "../auth/secret.ts";
import {
  addMember,
  createChannel,
  joinChannel,
  leaveChannel,
  listUserChannels,
  markRead,
} from "../db/channels.ts";
import {
  createMessage,
  type FileRef,
  listMessages,
  type Message,
} from "../db/messages.ts";
import { openDm } from "../db/dms.ts";
import { createInvite, newInviteCode } from "../db/invites.ts";
import { blockUser } from "../db/blocks.ts";
import { changeFriendship } from "../db/friends.ts";
import { createUser, type User } from "../db/users.ts";
import { banUser } from "../db/bans.ts";
import { createReport } from "../db/reports.ts";
import { changeInstanceSettings } from "../db/settings.ts";
import { timeOut } from "../db/timeouts.ts";
import { randomBytes, streamOf } from "../files/_testing.ts";
import { CHUNK_SIZE, commitFileMeta } from "../files/store.ts";
import { stageFile } from "../files/upload.ts";
import { exportLines } from "./export.ts";
import { BackupError } from "./format.ts";
import { importBackup } from "./import.ts";

/** The password every user built by `buildSource` signs in with. */
export const PASSWORD = "correct horse battery";
/** One mebibyte, in bytes. */
export const MiB = 1024 * 1024;

/** What `buildSource` made, for the tests to check against. */
export interface Source {
  users: User[];
  channelIds: string[];
  generalId: string;
  fileIds: string[];
  /** A clientId used in general, its author and the seq it got. */
  clientId: { author: User; value: string; seq: number };
}

/** Builds a small but complete database through the real data-layer API. */
export async function buildSource(kv: Deno.Kv): Promise<Source> {
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

  // A DM between alice and bob, found again by its people after a restore.
  await openDm(kv, alice.id, ["bob"]);

  // Invites: one to the instance, one (half used) to the private channel.
  for (const [channelId, uses] of [[null, 0], [secret.id, 1]] as const) {
    await createInvite(kv, {
      code: newInviteCode(),
      channelId,
      createdBy: bob.id,
      createdAt: new Date().toISOString(),
      maxUses: channelId === null ? null : 2,
      uses,
      expiresAt: channelId === null ? null : "2099-01-01T00:00:00.000Z",
    });
  }

  // Alice and bob are friends, carol asked alice, and bob blocked carol.
  await changeFriendship(kv, alice.id, bob.id, () => "friends");
  await changeFriendship(kv, carol.id, alice.id, () => "outgoing");
  await blockUser(kv, bob.id, carol.id);

  await loadSigningKey(kv);
  await revokeToken(kv, "signed-out-jti", Math.floor(Date.now() / 1000) + 3600);
  // Moderation: a ban, a timeout and a settings change (each audited), and
  // an open report on bob's first message in general.
  await banUser(kv, alice.id, carol.id, "spam", () => {});
  await timeOut(kv, alice.id, bob.id, 3600, "cool off");
  await changeInstanceSettings(kv, alice.id, { name: "Test hearth" });
  await createReport(kv, {
    reporterId: alice.id,
    reason: "rude",
    channelId: general.id,
    seq: 1,
    authorId: bob.id,
    excerpt: "message 1",
  });
  return {
    users: [alice, bob, carol],
    channelIds: [general.id, random.id, secret.id],
    generalId: general.id,
    fileIds,
    clientId: twin!,
  };
}

/** Exports the whole database into a list of lines. */
export async function exportAll(kv: Deno.Kv): Promise<string[]> {
  const lines: string[] = [];
  await exportLines(kv, (line) => {
    lines.push(line);
  }, { hearthVersion: "test" });
  return lines;
}

/** The lines as a byte stream cut into small pieces, so lines and characters straddle reads. */
export function toStream(
  lines: string[],
  piece = 997,
): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(lines.map((l) => l + "\n").join(""));
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += piece) {
    pieces.push(bytes.slice(i, i + piece));
  }
  return ReadableStream.from(pieces);
}

/** Every key in the database, to check an import left nothing behind. */
export async function allKeys(kv: Deno.Kv): Promise<Deno.KvKey[]> {
  const keys: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix: [] })) keys.push(entry.key);
  return keys;
}

/** All of a channel's messages, read page by page. */
export async function allMessages(
  kv: Deno.Kv,
  channelId: string,
): Promise<Message[]> {
  const messages: Message[] = [];
  let after = 0;
  while (true) {
    const page = await listMessages(kv, channelId, { after, limit: 200 });
    if (page.length === 0) return messages;
    messages.push(...page);
    after = page[page.length - 1].seq;
  }
}

/** A damage done to a copy of a backup's lines, and the refusal it must meet. */
export type RefusalCase = [
  name: string,
  damage: (copy: string[]) => void,
  line: number,
  pattern: RegExp,
];

/**
 * Imports each damaged copy of `lines` into an empty database: each must be
 * refused with a BackupError naming `line` and matching `pattern`, and leave
 * the database empty.
 */
export async function assertRefusals(
  lines: readonly string[],
  cases: readonly RefusalCase[],
): Promise<void> {
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
}

import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { isRevoked } from "../auth/revocations.ts";
import { loadSigningKey } from "../auth/secret.ts";
import {
  createChannel,
  getChannel,
  listAllChannels,
  listMembers,
  listUserChannels,
  markRead,
} from "../db/channels.ts";
import { openDm } from "../db/dms.ts";
import { listInvites } from "../db/invites.ts";
import { listBlocks } from "../db/blocks.ts";
import { listFriendLinks } from "../db/friends.ts";
import { listAudit } from "../db/audit.ts";
import { listBans } from "../db/bans.ts";
import { createReport, listReports } from "../db/reports.ts";
import { getInstanceSettings } from "../db/settings.ts";
import { timedOutUntil } from "../db/timeouts.ts";
import { createMessage } from "../db/messages.ts";
import {
  createUser,
  getUserRecordByName,
  type UserRecord,
} from "../db/users.ts";
import { collect, sha256 } from "../files/_testing.ts";
import { getFileMeta, readFileStream } from "../files/store.ts";
import { type BackupCounts } from "./format.ts";
import { importBackup } from "./import.ts";
import {
  allKeys,
  allMessages,
  buildSource,
  exportAll,
  PASSWORD,
  toStream,
} from "./_test_fixture.ts";

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
      channels: 4,
      members: 8,
      readMarkers: 3,
      messages: 34,
      clientIds: 16,
      files: 2,
      chunks: 4,
      droppedFiles: 0,
      revokedTokens: 1,
      signingKeys: 1,
      invites: 2,
      friendships: 2,
      blocks: 1,
      audits: 3,
      timeouts: 1,
      reports: 1,
      settings: 1,
      notificationSettings: 0,
      avatarParts: 0,
      pushKeys: 0,
      pushSubscriptions: 0,
      bots: 0,
      webhooks: 0,
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

  // A DM is still found by its people.
  const dm = await openDm(target, built.users[1].id, ["Alice"]);
  assert.equal(dm.created, false);
  assert.equal(dm.channel.kind, "dm");

  // Invites come back with their uses, and roles with their users.
  assert.deepEqual(await listInvites(target), await listInvites(source));
  assert.deepEqual(
    await listInvites(target, built.users[1].id),
    await listInvites(source, built.users[1].id),
  );
  assert.equal((await listInvites(target)).length, 2);
  assert.equal(
    (await getUserRecordByName(target, "alice"))?.role,
    "owner",
  );

  // Friendships, requests and blocks come back on both sides.
  for (const user of built.users) {
    const links = async (kv: Deno.Kv) =>
      (await listFriendLinks(kv, user.id)).sort((a, b) =>
        a.otherId.localeCompare(b.otherId)
      );
    assert.deepEqual(await links(target), await links(source));
    assert.deepEqual(
      await listBlocks(target, user.id),
      await listBlocks(source, user.id),
    );
  }
  const [aliceId, bobId, carolId] = built.users.map((u) => u.id);
  assert.deepEqual(
    (await listFriendLinks(target, aliceId)).map((l) => l.link.state).sort(),
    ["friends", "incoming"],
  );
  assert.deepEqual(
    (await listBlocks(target, bobId)).map((b) => b.userId),
    [carolId],
  );

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

Deno.test("a backup restores the audit log, bans, timeouts, open reports and settings", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  const built = await buildSource(source);
  await importBackup(target, toStream(await exportAll(source)));
  const [, bob, carol] = built.users;
  assert.deepEqual(await listBans(target), await listBans(source));
  assert.equal((await listBans(target))[0].user.id, carol.id);
  assert.equal((await listBans(target))[0].reason, "spam");
  const until = await timedOutUntil(target, bob.id);
  assert.ok(until !== null && until === await timedOutUntil(source, bob.id));
  assert.deepEqual(
    await listReports(target, 10),
    await listReports(source, 10),
  );
  assert.equal((await listReports(target, 10)).length, 1);
  assert.deepEqual(await getInstanceSettings(target), { name: "Test hearth" });
  const log = await listAudit(target, 10);
  assert.deepEqual(log, await listAudit(source, 10));
  assert.deepEqual(log.map((e) => e.action), [
    "settings_change",
    "timeout",
    "ban",
  ]);
  // The indexes came back with the entries, and the one-open-report rule.
  assert.deepEqual(
    await listAudit(target, 10, undefined, { targetId: carol.id }),
    [log[2]],
  );
  const report = (await listReports(target, 1))[0];
  await assert.rejects(
    createReport(target, { ...report, reason: "again" }),
    /already/,
  );
});

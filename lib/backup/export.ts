/**
 * `hearth export`: writes every user, channel, membership, read marker,
 * message, clientId, file, invite, friendship, block, bot, incoming webhook
 * and the signing key as a versioned NDJSON backup
 * (see `format.ts`), streaming, so memory stays flat whatever the size.
 *
 * Consistency. Deno KV has no snapshot across many ranges, and an export may
 * run against the file of a live server. So the export fixes a cut first and
 * keeps to it, relying on how Hearth writes:
 *
 * 1. It lists the channels, then reads each one's message counter. Messages
 *    are written with their counter in one atomic and never change, so the
 *    messages 1..counter (and the clientIds pointing at them) are exactly the
 *    messages that existed at that moment; later ones are left out whole.
 * 2. Only then it lists users, memberships and read markers, so every author
 *    and channel owner is there. Rows that reference a user or channel created
 *    after the cut are skipped; read markers are clamped to the exported seq.
 * 3. Then files: only committed ones (the metadata is written after all the
 *    chunks), and only chunks of exported files. A message's file is committed
 *    before the message, so every exported message's file is exported. A file
 *    deleted while it is being read (only files no message points at are ever
 *    deleted) is cancelled in the backup with a `file_dropped` record.
 *
 * What is not a single point in time: a membership or display name changed
 * while the export runs may appear as before or after the change. Each such
 * row is still whole, and an import derives the member counts from the rows,
 * so the restored database agrees with itself. Uploads still in progress,
 * rate-limit counters and expired revocations are not exported.
 *
 * Also carried: each exported member's notification setting, each user's
 * avatar image (its parts right after the user line), and the VAPID key pair
 * with the browsers' push subscriptions (subscriptions only with the pair).
 * An avatar replaced while the export runs is read again, with its user.
 */
import { createHash } from "node:crypto";
import type { ChannelRecord } from "../db/channels.ts";
import { counterOf } from "../db/messages.ts";
import type { FileMeta } from "../files/store.ts";
import type { InviteRecord } from "../db/invites.ts";
import type { BotRecord } from "../db/bots.ts";
import type { WebhookRecord } from "../db/webhooks.ts";
import type { BlockRecord } from "../db/blocks.ts";
import { type FriendLink, isLinkOwner } from "../db/friends.ts";
import { userWithAvatar } from "./_export_avatar.ts";
import { exportNotificationSettings, exportPush } from "./_export_people.ts";
import { exportFile } from "./_export_file.ts";
import { BackupChecker } from "./_checker.ts";
import { exportModeration } from "./_export_moderation.ts";
import {
  blocksFamilyPrefix,
  botsPrefix,
  channelSeqKey,
  channelsPrefix,
  clientIdsPrefix,
  filesPrefix,
  friendsFamilyPrefix,
  invitesPrefix,
  membersPrefix,
  messageKey,
  readMarkersPrefix,
  revokedTokensPrefix,
  signingKeyKey,
  usersPrefix,
  webhooksPrefix,
} from "./_keys.ts";
import { readAll, readMany, scan } from "./_kv_read.ts";
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupCounts,
  BackupError,
  type BackupRecord,
  parseRecord,
} from "./format.ts";

/** Options of an export. */
export interface ExportOptions {
  /** The Hearth version written into the header. */
  hearthVersion?: string;
}

// Output is written in blocks of about this many bytes.
const WRITE_BLOCK = 256 * 1024;

/**
 * Writes a backup of `kv` to `out` and returns the counts it holds. The
 * stream is left open; a failure leaves a backup without its trailer, which
 * an import refuses.
 */
export async function exportBackup(
  kv: Deno.Kv,
  out: WritableStream<Uint8Array>,
  options: ExportOptions = {},
): Promise<BackupCounts> {
  const writer = out.getWriter();
  const encoder = new TextEncoder();
  let block: string[] = [];
  let blockSize = 0;
  const flush = async () => {
    if (block.length === 0) return;
    const bytes = encoder.encode(block.join(""));
    block = [];
    blockSize = 0;
    await writer.write(bytes);
  };
  try {
    const counts = await exportLines(kv, async (line) => {
      block.push(line, "\n");
      blockSize += line.length + 1;
      if (blockSize >= WRITE_BLOCK) await flush();
    }, options);
    await flush();
    return counts;
  } finally {
    writer.releaseLock();
  }
}

/**
 * Produces a backup of `kv` line by line (without newlines): each is handed to
 * `emit`, which may apply backpressure. Returns the counts in the trailer.
 */
export async function exportLines(
  kv: Deno.Kv,
  emit: (line: string) => Promise<void> | void,
  options: ExportOptions = {},
): Promise<BackupCounts> {
  const checker = new BackupChecker();
  const hash = createHash("sha256");
  let lines = 0;
  const write = async (value: object) => {
    const text = JSON.stringify(value);
    hash.update(text);
    hash.update("\n");
    lines++;
    await emit(text);
  };
  // Every record passes the same checks an import makes, so what is written
  // can be read back; a stored value that does not fit stops the export here.
  const record = async (value: BackupRecord, bytes?: Uint8Array) => {
    try {
      checker.accept(parseRecord(value, lines + 1), lines + 1, bytes);
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      throw new BackupError(
        `Cannot export the ${value.type} record: ${error.message}`,
      );
    }
    await write(value);
  };

  await write({
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date().toISOString(),
    ...(options.hearthVersion ? { hearthVersion: options.hearthVersion } : {}),
  });

  // 1. The cut: channels, then each one's counter.
  const channels: ChannelRecord[] = [];
  for await (
    const entry of scan<ChannelRecord>(kv, { prefix: channelsPrefix })
  ) {
    channels.push(entry.value);
  }
  const counters = await readAll(kv, channels.map((c) => channelSeqKey(c.id)));
  const lastSeqs = new Map<string, number>();
  const revs = new Map<string, number>();
  channels.forEach((channel, i) => {
    const value = counters[i].value ?? 0;
    const counter = counterOf(value);
    if (typeof value !== "number" && counter.rev === 0 && value !== null) {
      throw new BackupError(
        `Cannot export channel "${channel.id}": its message counter is not readable`,
      );
    }
    lastSeqs.set(channel.id, counter.seq);
    revs.set(channel.id, counter.rev);
  });

  // 2. The signing key, users and the rows that reference them.
  const [signingKey] = await readMany(kv, [signingKeyKey]);
  if (signingKey.value !== null) {
    if (!(signingKey.value instanceof Uint8Array)) {
      throw new BackupError("Cannot export the stored signing key: not bytes");
    }
    await record(
      { type: "signing_key", key: signingKey.value.toBase64() },
      signingKey.value,
    );
  }
  const users = new Set<string>();
  for await (const entry of scan<unknown>(kv, { prefix: usersPrefix })) {
    const { user, parts } = await userWithAvatar(kv, entry.value);
    await record({ type: "user", user } as BackupRecord);
    users.add(String(entry.key[1]));
    for (const part of parts) await record(part);
  }
  for (const channel of channels) {
    await record({
      type: "channel",
      channel,
      lastSeq: lastSeqs.get(channel.id)!,
      rev: revs.get(channel.id)!,
    } as BackupRecord);
  }
  const members = new Set<string>();
  for (const channel of channels) {
    for await (
      const entry of scan<string>(kv, { prefix: membersPrefix(channel.id) })
    ) {
      const userId = String(entry.key[2]);
      if (!users.has(userId)) continue; // joined with an account newer than the cut
      members.add(`${channel.id}\n${userId}`);
      await record({
        type: "member",
        channelId: channel.id,
        userId,
        joinedAt: entry.value,
      });
    }
  }
  for (const userId of users) {
    for await (
      const entry of scan<Deno.KvU64>(kv, { prefix: readMarkersPrefix(userId) })
    ) {
      const channelId = String(entry.key[2]);
      const lastSeq = lastSeqs.get(channelId);
      if (lastSeq === undefined || !(entry.value instanceof Deno.KvU64)) {
        continue;
      }
      // A marker may have moved past the cut; it never points past a message.
      const seq = Math.min(Number(entry.value.value), lastSeq);
      if (seq < 1) continue;
      await record({ type: "read_marker", userId, channelId, seq });
    }
  }

  await exportNotificationSettings(kv, users, members, record);

  // 3. Messages up to the cut, then the clientIds pointing at them.
  for (const channel of channels) {
    const lastSeq = lastSeqs.get(channel.id)!;
    if (lastSeq === 0) continue;
    const range = {
      start: messageKey(channel.id, 1),
      end: messageKey(channel.id, lastSeq + 1),
    };
    for await (const entry of scan<unknown>(kv, range)) {
      await record({ type: "message", message: entry.value } as BackupRecord);
    }
    for await (
      const entry of scan<number>(kv, { prefix: clientIdsPrefix(channel.id) })
    ) {
      if (typeof entry.value !== "number" || entry.value > lastSeq) continue;
      await record({
        type: "client_id",
        channelId: channel.id,
        authorId: String(entry.key[2]),
        clientId: String(entry.key[3]),
        seq: entry.value,
      });
    }
  }

  // 4. Committed files of exported channels: chunks first, then metadata.
  for await (const entry of scan<FileMeta>(kv, { prefix: filesPrefix }, 50)) {
    const meta = entry.value;
    if (!lastSeqs.has(meta.channelId) || !users.has(meta.uploaderId)) continue;
    await exportFile(kv, meta, entry.versionstamp, record);
  }

  // 5. Invites of exported people (and channels): those made after the cut
  // are left out with the rows they reference.
  for await (const entry of scan<InviteRecord>(kv, { prefix: invitesPrefix })) {
    const invite = entry.value;
    if (!users.has(invite.createdBy)) continue;
    if (invite.channelId !== null && !lastSeqs.has(invite.channelId)) continue;
    await record({ type: "invite", invite } as BackupRecord);
  }

  // 5b. Bots of exported accounts (an outgoing webhook keeps the exported
  // channels it hears; ids of deleted channels mean nothing), and incoming
  // webhooks of exported channels.
  for await (const entry of scan<BotRecord>(kv, { prefix: botsPrefix })) {
    const bot = entry.value;
    if (!users.has(bot.id) || !users.has(bot.createdBy)) continue;
    const webhook = bot.webhook === null ? null : {
      ...bot.webhook,
      channelIds: bot.webhook.channelIds.filter((id) => lastSeqs.has(id)),
    };
    await record({ type: "bot", bot: { ...bot, webhook } } as BackupRecord);
  }
  for await (
    const entry of scan<WebhookRecord>(kv, { prefix: webhooksPrefix })
  ) {
    const webhook = entry.value;
    if (!lastSeqs.has(webhook.channelId) || !users.has(webhook.createdBy)) {
      continue;
    }
    await record({ type: "webhook", webhook } as BackupRecord);
  }

  // 6. Friendships, requests and blocks between exported people. Both rows
  // of a link change together, so reading one side of each is whole.
  for await (
    const entry of scan<FriendLink>(kv, { prefix: friendsFamilyPrefix })
  ) {
    const [, userId, otherId] = entry.key as string[];
    if (!users.has(userId) || !users.has(otherId)) continue;
    if (!isLinkOwner(userId, otherId, entry.value)) continue;
    const { state, since } = entry.value;
    await record(
      { type: "friendship", userId, otherId, state, since } as BackupRecord,
    );
  }
  for await (
    const entry of scan<BlockRecord>(kv, { prefix: blocksFamilyPrefix })
  ) {
    const [, blockerId, blockedId] = entry.key as string[];
    if (!users.has(blockerId) || !users.has(blockedId)) continue;
    await record({ type: "block", blockerId, blockedId, at: entry.value.at });
  }

  // 7. Revocations still in force: restoring the signing key must not
  // bring signed-out tokens back to life.
  const nowSeconds = Date.now() / 1000;
  for await (
    const entry of scan<number>(kv, { prefix: revokedTokensPrefix })
  ) {
    if (typeof entry.value !== "number" || entry.value <= nowSeconds) continue;
    await record({
      type: "revoked_token",
      jti: String(entry.key[1]),
      exp: Math.ceil(entry.value),
    });
  }

  // 8. Moderation: the audit log, timeouts, open reports, settings.
  await exportModeration(kv, users, lastSeqs, record);
  // 9. The VAPID key pair, then the subscriptions made for it.
  await exportPush(kv, users, record);

  checker.checkComplete();
  const counts = { ...checker.counts };
  await emit(JSON.stringify({
    type: "trailer",
    lines,
    counts,
    sha256: hash.digest("hex"),
  }));
  return counts;
}

/**
 * `hearth import`: restores a backup written by `hearth export` into a new,
 * empty database.
 *
 * Every line is parsed and checked (shape with zod, then references, order,
 * seqs, file sizes and hashes) before what it holds is written; writes go in
 * batched atomics well inside KV's limits (1,000 mutations, 800 KiB), each
 * commit checked. The trailer is checked at the end; if anything is wrong,
 * the import deletes what it wrote, so the target is empty again. Counters
 * (message seqs, member counts, each user's stored bytes) and the signing key
 * are written last, once the whole backup has been found good.
 */
import { createHash } from "node:crypto";
import { revokedTokenRow } from "../auth/revocations.ts";
import { signingKeyRow } from "../auth/secret.ts";
import {
  channelCounterRows,
  channelRows,
  clientIdRow,
  inviteRows,
  membershipRows,
  messageRows,
  readMarkerRow,
  userRows,
} from "../db/rows.ts";
import type { MessageRecord } from "../db/messages.ts";
import { storageRow } from "../db/storage.ts";
import { blockRow } from "../db/blocks.ts";
import { friendshipRows } from "../db/friends.ts";
import { type AuditRecord, auditRows } from "../db/audit.ts";
import { banRows } from "../db/bans.ts";
import { type ReportRecord, reportRows } from "../db/reports.ts";
import { type InstanceSettings, settingsRow } from "../db/settings.ts";
import { type TimeoutRecord, timeoutRow } from "../db/timeouts.ts";
import type { UserRecord } from "../db/users.ts";
import { avatarPartRow } from "../db/avatars.ts";
import { notificationSettingRow } from "../db/notifications.ts";
import {
  pushKeysRow,
  type PushSubscriptionRecord,
  pushSubscriptionRow,
  type VapidKeyPair,
} from "../db/push.ts";
import { chunkRow, fileMetaRow } from "../files/rows.ts";
import type { InviteRecord } from "../db/invites.ts";
import { type BotRecord, botRow } from "../db/bots.ts";
import { type WebhookRecord, webhookRows } from "../db/webhooks.ts";
import { BatchWriter } from "./_batch_writer.ts";
import { BackupChecker } from "./_checker.ts";
import { chunkKey } from "./_keys.ts";
import { readLines } from "./_lines.ts";
import { deleteImported, requireEmpty } from "./_target.ts";
import {
  type BackupCounts,
  BackupError,
  type BackupHeader,
  type BackupRecord,
  parseHeader,
  parseRecord,
  type RecordOf,
} from "./format.ts";

export { TargetNotEmptyError } from "./_target.ts";

/** An import failed, and removing what it had written failed too. */
export class ImportCleanupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportCleanupError";
  }
}

/** What an import restored. */
export interface ImportResult {
  header: BackupHeader;
  counts: BackupCounts;
}

/**
 * Reads a backup from `input` into `kv`, which must be empty (no users, nor
 * any other Hearth data). Throws `TargetNotEmptyError` before writing
 * anything if it is not, and `BackupError` (with the line) for a bad backup,
 * after removing what had been written.
 */
export async function importBackup(
  kv: Deno.Kv,
  input: ReadableStream<Uint8Array>,
): Promise<ImportResult> {
  await requireEmpty(kv);
  const writes = new BatchWriter(kv);
  try {
    const result = await readInto(input, writes);
    await writes.close();
    return result;
  } catch (error) {
    await writes.settle();
    if (writes.wrote) {
      try {
        await deleteImported(kv);
      } catch (cleanup) {
        throw new ImportCleanupError(
          `${
            (error as Error).message
          }; removing what was imported also failed (${
            (cleanup as Error).message
          }): delete the target database before trying again`,
        );
      }
    }
    throw error;
  }
}

async function readInto(
  input: ReadableStream<Uint8Array>,
  writes: BatchWriter,
): Promise<ImportResult> {
  const checker = new BackupChecker();
  const hash = createHash("sha256");
  let header: BackupHeader | null = null;
  let trailer: RecordOf<"trailer"> | null = null;
  let signingKey: Uint8Array | null = null;
  // Bytes of files each author's messages carry: the storage count, rebuilt.
  const stored = new Map<string, number>();
  let pushKeys: VapidKeyPair | null = null;
  let lineNo = 0;
  for await (const line of readLines(input)) {
    lineNo++;
    if (trailer !== null) {
      throw new BackupError("there is more after the trailer", lineNo);
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new BackupError(
        `not valid JSON (${(error as Error).message})`,
        lineNo,
      );
    }
    if (header === null) {
      header = parseHeader(value);
      hashLine(hash, line);
      continue;
    }
    const record = parseRecord(value, lineNo);
    if (record.type === "trailer") {
      trailer = record;
      continue;
    }
    hashLine(hash, line);
    const bytes = record.type === "chunk" || record.type === "avatar_part"
      ? Uint8Array.fromBase64(record.data)
      : record.type === "signing_key"
      ? Uint8Array.fromBase64(record.key)
      : undefined;
    // A dropped file's chunks are written already: count them before the
    // checker closes the run.
    const dropped = record.type === "file_dropped" ? checker.openChunks : 0;
    checker.accept(record, lineNo, bytes);
    if (record.type === "signing_key") {
      signingKey = bytes!;
    } else if (record.type === "push_keys") {
      pushKeys = record.keys as VapidKeyPair;
    } else if (record.type === "file_dropped") {
      await writes.flush();
      for (let n = 0; n < dropped; n++) {
        await writes.delete(chunkKey(record.fileId, n));
      }
    } else {
      await stage(writes, record, bytes);
    }
    if (record.type === "message") countStorage(stored, record.message);
  }
  if (header === null) {
    throw new BackupError("the input is empty, not a Hearth backup");
  }
  checker.finish(
    trailer,
    trailer === null ? lineNo : lineNo - 1,
    hash.digest("hex"),
  );

  // The whole backup is good: now the counters, and the key last of all.
  for (const [id, channel] of checker.channels) {
    await writes.write(
      ...channelCounterRows(id, channel.lastSeq, channel.rev, channel.members),
    );
  }
  for (const [userId, bytes] of stored) {
    await writes.write(storageRow(userId, bytes));
  }
  // A server started once may hold a pair of its own, but no subscriptions.
  if (pushKeys !== null) await writes.write(pushKeysRow(pushKeys));
  if (signingKey !== null) await writes.write(signingKeyRow(signingKey));
  return { header, counts: { ...checker.counts } };
}

// Adds the size of the file a restored message carries to its author's count.
function countStorage(stored: Map<string, number>, message: unknown): void {
  const { author, file } = message as MessageRecord;
  if (!file) return;
  stored.set(author.id, (stored.get(author.id) ?? 0) + file.size);
}

function hashLine(hash: ReturnType<typeof createHash>, line: string): void {
  hash.update(line);
  hash.update("\n");
}

/** Queues the KV rows one checked record stands for, as the data layer defines them. */
async function stage(
  writes: BatchWriter,
  record: BackupRecord,
  bytes: Uint8Array | undefined,
): Promise<void> {
  switch (record.type) {
    case "user":
      return await writes.write(
        ...userRows(record.user),
        ...banRows(record.user as UserRecord),
      );
    case "channel":
      return await writes.write(...channelRows(record.channel));
    case "member": {
      const { channelId, userId, joinedAt } = record;
      return await writes.write(
        ...membershipRows(channelId, userId, joinedAt),
      );
    }
    case "read_marker":
      return await writes.write(
        readMarkerRow(record.userId, record.channelId, record.seq),
      );
    case "message":
      return await writes.write(
        ...messageRows(record.message as MessageRecord),
      );
    case "client_id": {
      const { channelId, authorId, clientId, seq } = record;
      return await writes.write(
        clientIdRow(channelId, authorId, clientId, seq),
      );
    }
    case "chunk":
      return await writes.write(chunkRow(record.fileId, record.n, bytes!));
    case "file":
      // Batches commit in order, so the metadata lands after all its chunks.
      return await writes.write(fileMetaRow(record.file));
    case "invite":
      return await writes.write(...inviteRows(record.invite as InviteRecord));
    case "bot":
      return await writes.write(botRow(record.bot as BotRecord));
    case "webhook":
      return await writes.write(
        ...webhookRows(record.webhook as WebhookRecord),
      );
    case "friendship": {
      const { userId, otherId, state, since } = record;
      return await writes.write(
        ...friendshipRows(userId, otherId, state, since),
      );
    }
    case "block":
      return await writes.write(
        blockRow(record.blockerId, record.blockedId, record.at),
      );
    case "audit":
      return await writes.write(...auditRows(record.entry as AuditRecord));
    case "timeout": {
      const row = timeoutRow(
        record.userId,
        record.timeout as TimeoutRecord,
      );
      if (row !== null) await writes.write(row);
      return;
    }
    case "report":
      return await writes.write(
        ...reportRows(record.report as ReportRecord),
      );
    case "settings":
      return await writes.write(
        settingsRow(record.settings as InstanceSettings),
      );
    case "revoked_token": {
      const row = revokedTokenRow(record.jti, record.exp);
      if (row !== null) await writes.write(row);
      return;
    }
    case "notification_setting": {
      const { userId, channelId, level, muted } = record;
      return await writes.write(
        notificationSettingRow(userId, channelId, { level, muted }),
      );
    }
    case "avatar_part": {
      const { userId, version, n } = record;
      return await writes.write(avatarPartRow(userId, version, n, bytes!));
    }
    case "push_subscription":
      return await writes.write(
        pushSubscriptionRow(record.subscription as PushSubscriptionRecord),
      );
    case "push_keys":
    case "signing_key":
    case "file_dropped":
    case "trailer":
      return;
  }
}

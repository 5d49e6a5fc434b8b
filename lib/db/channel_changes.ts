/**
 * Changing and deleting channels. A rename moves the unique name index in the
 * same atomic as the record. A deletion first removes the channel record and
 * its name in one atomic, so from then on nobody can read, join or post to
 * it, and then sweeps its rows (memberships, read markers, messages, clientId
 * index) in batches; the files its messages carried are returned for the
 * file store to delete.
 */
import { ApiError } from "../errors.ts";
import { channelNameSchema, topicSchema } from "../shared/fields.ts";
import { validate } from "../validation.ts";
import { type AuditEntry, stageAudit } from "./audit.ts";
import { channelNotFound, type ChannelRecord } from "./_channel_store.ts";
import {
  channelKey,
  channelNameKey,
  channelRepliesPrefix,
  channelSeqKey,
  clientIdsPrefix,
  memberCountKey,
  memberKey,
  membersPrefix,
  mentionByTimeKey,
  mentionKey,
  messageChangesPrefix,
  messagesPrefix,
  readMarkerKey,
  searchChannelPrefixes,
  searchCursorKey,
  userChannelKey,
} from "./_keys.ts";
import { retryAtomic, retryWrites } from "./_kv.ts";
import type { MessageRecord } from "./_message_record.ts";

/** What `updateChannel` may change; absent fields stay. */
export interface ChannelChange {
  name?: string;
  topic?: string;
}

/** Renames a channel and/or sets its topic (409 `channel_exists` for a taken name). */
export async function updateChannel(
  kv: Deno.Kv,
  channelId: string,
  change: ChannelChange,
  audit?: AuditEntry,
): Promise<ChannelRecord> {
  const name = change.name === undefined
    ? undefined
    : validate(change.name, channelNameSchema);
  const topic = change.topic === undefined
    ? undefined
    : validate(change.topic, topicSchema);
  return await retryAtomic("the channel", async () => {
    const entry = await kv.get<ChannelRecord>(channelKey(channelId));
    if (entry.value === null) throw channelNotFound(channelId);
    const before = entry.value;
    const after: ChannelRecord = {
      ...before,
      name: name ?? before.name,
      topic: topic ?? before.topic,
    };
    const op = kv.atomic().check(entry).set(entry.key, after);
    const oldKey = channelNameKey(before.name.toLowerCase());
    const newKey = channelNameKey(after.name.toLowerCase());
    if (after.name.toLowerCase() !== before.name.toLowerCase()) {
      // Read first for a clear 409; the null check closes the race.
      if ((await kv.get(newKey)).value !== null) {
        throw new ApiError(
          409,
          "channel_exists",
          `Channel "${after.name}" already exists`,
        );
      }
      op.check({ key: newKey, versionstamp: null }).delete(oldKey)
        .set(newKey, channelId);
    }
    if (audit) stageAudit(op, audit);
    return { op, value: after };
  });
}

/** What a deleted channel leaves for others to clean up or tell. */
export interface DeletedChannel {
  /** Who was in it. */
  memberIds: string[];
  /** The files its messages carried. */
  fileIds: string[];
}

// Deletes per atomic while sweeping: 3 per member, well under KV's 1,000.
const SWEEP_BATCH = 300;

/** Deletes a channel and everything stored under it; 404 when there is none. */
export async function deleteChannel(
  kv: Deno.Kv,
  channelId: string,
  audit?: AuditEntry,
): Promise<DeletedChannel> {
  await retryAtomic("the channel", async () => {
    const entry = await kv.get<ChannelRecord>(channelKey(channelId));
    if (entry.value === null) throw channelNotFound(channelId);
    const op = kv.atomic().check(entry).delete(entry.key)
      .delete(channelNameKey(entry.value.name.toLowerCase()))
      .delete(memberCountKey(channelId))
      .delete(channelSeqKey(channelId))
      .delete(searchCursorKey(channelId));
    if (audit) stageAudit(op, audit);
    return { op, value: undefined };
  });
  const memberIds: string[] = [];
  for await (const entry of kv.list({ prefix: membersPrefix(channelId) })) {
    memberIds.push(entry.key[2] as string);
  }
  await sweep(
    kv,
    memberIds.flatMap((userId) => [
      memberKey(channelId, userId),
      userChannelKey(userId, channelId),
      readMarkerKey(userId, channelId),
    ]),
  );
  const fileIds: string[] = [];
  const messageKeys: Deno.KvKey[] = [];
  for await (
    const entry of kv.list<MessageRecord>({ prefix: messagesPrefix(channelId) })
  ) {
    const { seq, createdAt, mentions = [], file } = entry.value;
    // The mention index lives under each mentioned user, members or not by now.
    for (const userId of mentions) {
      messageKeys.push(
        mentionKey(userId, channelId, seq),
        mentionByTimeKey(userId, createdAt, channelId, seq),
      );
    }
    messageKeys.push(entry.key);
    if (file) fileIds.push(file.id);
  }
  await sweep(kv, messageKeys);
  for (
    const prefix of [
      clientIdsPrefix(channelId),
      messageChangesPrefix(channelId),
      channelRepliesPrefix(channelId),
      ...searchChannelPrefixes(channelId),
    ]
  ) {
    const keys: Deno.KvKey[] = [];
    for await (const entry of kv.list({ prefix })) keys.push(entry.key);
    await sweep(kv, keys);
  }
  return { memberIds, fileIds };
}

async function sweep(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<void> {
  for (let i = 0; i < keys.length; i += SWEEP_BATCH) {
    const batch = keys.slice(i, i + SWEEP_BATCH);
    await retryWrites("the deleted channel's rows", () => {
      const op = kv.atomic();
      for (const key of batch) op.delete(key);
      return op;
    });
  }
}

/**
 * Changing and deleting channels. A rename moves the unique name index in the
 * same atomic as the record. A deletion first removes the channel record and
 * its name in one atomic, so from then on nobody can read, join or post to
 * it, and then sweeps its rows (memberships, read markers, messages, clientId
 * index) in batches; the files its messages carried are returned for the
 * file store to delete.
 */
import { ApiError } from "../errors.ts";
import {
  channelNameSchema,
  postPolicySchema,
  slowModeSecondsSchema,
  topicSchema,
} from "../shared/fields.ts";
import { validate } from "../validation.ts";
import { type AuditEntry, stageAudit } from "./audit.ts";
import {
  channelNotFound,
  type ChannelRecord,
  type PostPolicy,
} from "./_channel_store.ts";
import {
  channelKey,
  channelNameKey,
  channelRepliesPrefix,
  channelSeqKey,
  channelWebhooksPrefix,
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
  webhookKey,
} from "./_keys.ts";
import { retryAtomic, retryWrites } from "./_kv.ts";
import type { MessageRecord } from "./_message_record.ts";
import { storageWrite } from "./storage.ts";

/** What `updateChannel` may change; absent fields stay. */
export interface ChannelChange {
  name?: string;
  topic?: string;
  slowModeSeconds?: number;
  postPolicy?: PostPolicy;
}

/**
 * Renames a channel, sets its topic, slow mode or post policy (409
 * `channel_exists` for a taken name), audited in the same atomic: `audit`
 * when the name or topic changed, and a changed slow mode or post policy as
 * its actor's, the new value after the channel's id in the target
 * (`{channelId}/{value}`).
 */
export async function updateChannel(
  kv: Deno.Kv,
  channelId: string,
  change: ChannelChange,
  audit?: AuditEntry,
): Promise<ChannelRecord> {
  const slowModeSeconds = change.slowModeSeconds === undefined
    ? undefined
    : validate(change.slowModeSeconds, slowModeSecondsSchema);
  const postPolicy = change.postPolicy === undefined
    ? undefined
    : validate(change.postPolicy, postPolicySchema);
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
      slowModeSeconds: slowModeSeconds ?? before.slowModeSeconds,
      postPolicy: postPolicy ?? before.postPolicy,
    };
    // Records stored before these settings stay as they were when unset.
    if (after.slowModeSeconds === undefined) delete after.slowModeSeconds;
    if (after.postPolicy === undefined) delete after.postPolicy;
    const op = kv.atomic().check(entry).set(entry.key, after);
    const actorId = audit?.actorId ?? "";
    const target = (value: unknown) => `${channelId}/${value}`;
    if ((after.slowModeSeconds ?? 0) !== (before.slowModeSeconds ?? 0)) {
      stageAudit(op, {
        actorId,
        action: "channel_slow_mode",
        target: target(after.slowModeSeconds),
      });
    }
    if (
      (after.postPolicy ?? "everyone") !== (before.postPolicy ?? "everyone")
    ) {
      stageAudit(op, {
        actorId,
        action: "channel_post_policy",
        target: target(after.postPolicy),
      });
    }
    const oldKey = channelNameKey(before.name);
    const newKey = channelNameKey(after.name);
    if (oldKey.at(-1) !== newKey.at(-1)) {
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
    const renamed = after.name !== before.name || after.topic !== before.topic;
    if (audit && renamed) stageAudit(op, audit);
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
      .delete(channelNameKey(entry.value.name))
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
  // Bytes each author's files in this batch of messages free: counted down in
  // the atomic that deletes those messages, so the count never drifts.
  let freed = new Map<string, number>();
  const flush = async () => {
    const counts = [...freed];
    await sweep(kv, messageKeys.splice(0), counts);
    freed = new Map();
  };
  for await (
    const entry of kv.list<MessageRecord>({ prefix: messagesPrefix(channelId) })
  ) {
    const { seq, createdAt, mentions = [], file, author } = entry.value;
    // The mention index lives under each mentioned user, members or not by now.
    for (const userId of mentions) {
      messageKeys.push(
        mentionKey(userId, channelId, seq),
        mentionByTimeKey(userId, createdAt, channelId, seq),
      );
    }
    messageKeys.push(entry.key);
    if (file) {
      fileIds.push(file.id);
      freed.set(author.id, (freed.get(author.id) ?? 0) + file.size);
    }
    if (messageKeys.length + freed.size >= SWEEP_BATCH) await flush();
  }
  await flush();
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
  // Its incoming webhooks go with it, their records as well as the index.
  const hookKeys: Deno.KvKey[] = [];
  const hooks = kv.list({ prefix: channelWebhooksPrefix(channelId) });
  for await (const entry of hooks) {
    hookKeys.push(entry.key, webhookKey(entry.key[2] as string));
  }
  await sweep(kv, hookKeys);
  return { memberIds, fileIds };
}

// Deletes `keys` in batches; the first batch also frees each user's bytes.
async function sweep(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
  freed: [userId: string, bytes: number][] = [],
): Promise<void> {
  for (let i = 0; i < keys.length; i += SWEEP_BATCH) {
    const batch = keys.slice(i, i + SWEEP_BATCH);
    const counts = i === 0 ? freed : [];
    await retryWrites("the deleted channel's rows", () => {
      const op = kv.atomic();
      for (const key of batch) op.delete(key);
      for (const [userId, bytes] of counts) {
        const { key, sum } = storageWrite(userId, -bytes);
        op.sum(key, sum!);
      }
      return op;
    });
  }
}

import { ApiError } from "../errors.ts";
import {
  channelKey,
  channelMentionsPrefix,
  channelNameKey,
  channelSeqKey,
  memberCountKey,
  memberKey,
  notificationSettingKey,
  readMarkerKey,
  userChannelKey,
  userKey,
} from "./_keys.ts";
import { avatarPath } from "./_avatar_path.ts";
import type { UserRecord } from "./users.ts";
import { getManyChunked, u64ToNumber } from "./_kv.ts";
import { counterOf } from "./_message_record.ts";
import { channelRows, membershipRows, stageRows } from "./rows.ts";
import type { NotificationSetting } from "../shared/notifications.ts";
import { settingOf, type StoredNotificationSetting } from "./notifications.ts";

/** A channel as stored in KV; counts and seqs live under their own keys. */
export interface ChannelRecord {
  id: string;
  name: string;
  topic: string;
  private: boolean;
  ownerId: string;
  createdAt: string;
  /** "dm" for a direct message; channels leave it out (as stored before DMs). */
  kind?: "channel" | "dm";
  /** A DM's people, ids sorted: fixed when it is made. */
  peopleIds?: string[];
  /** Seconds a member waits between messages; absent or 0: no slow mode. */
  slowModeSeconds?: number;
  /** "moderators": read-only for members; absent: everyone posts. */
  postPolicy?: PostPolicy;
}

/** Who may post in a channel. */
export type PostPolicy = "everyone" | "moderators";

/** Someone in a DM, as its channel object names them. */
export interface DmPerson {
  id: string;
  username: string;
  displayName: string;
  /** Where their avatar is served, or null without one (the sidebar shows it). */
  avatarUrl: string | null;
}

/** A channel as the API shows it to one user, with that user's notification setting. */
export interface Channel extends ChannelRecord, NotificationSetting {
  /** "channel", or "dm" for a direct message. */
  kind: "channel" | "dm";
  memberCount: number;
  lastSeq: number;
  /** The channel's change counter (see the message `rev`). */
  rev: number;
  unread: number;
  /** Unread messages that mention the viewer. */
  mentions: number;
  joined?: boolean;
  /** A DM's people, the viewer included, by id order; DMs only. */
  people?: DmPerson[];
  /** Seconds a member waits between messages (0: off). */
  slowModeSeconds: number;
  /** Who may post: "everyone", or "moderators" (read-only for members). */
  postPolicy: PostPolicy;
}

/** Whether a stored channel is a direct message. */
export function isDm(channel: ChannelRecord): boolean {
  return channel.kind === "dm";
}

/** Name of the public channel every account joins on sign-up. */
export const GENERAL_CHANNEL_NAME = "general";

// Adding 2^64 - 1 to a KvU64 with `sum` wraps around, which is KV's only way to
// subtract. It never underflows: a decrement is staged only together with a
// check that the membership row being deleted exists.
const MINUS_ONE = 0xffff_ffff_ffff_ffffn;
const PLUS_ONE = 1n;

// Channel ids are UUIDs (36 characters); this leaves room for other formats.
const MAX_CHANNEL_ID_LENGTH = 64;

/**
 * Whether `id` could name a stored channel (or user: both are UUIDs). Longer
 * input cannot exist, and
 * turning it away keeps arbitrary input out of KV keys (limited to 2 KiB,
 * past which KV throws and the request would end in a 500).
 */
export function isChannelId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_CHANNEL_ID_LENGTH;
}

/** The 404 for a channel id that does not exist. */
export function channelNotFound(id: string): ApiError {
  const shown = isChannelId(id) ? id : `${id.slice(0, 16)}…`;
  return new ApiError(404, "channel_not_found", `Channel "${shown}" not found`);
}

/** Adds a new channel and its unique name index to `op` (1 check, 2 sets). */
export function stageNewChannel(
  op: Deno.AtomicOperation,
  channel: ChannelRecord,
): Deno.AtomicOperation {
  const nameKey = channelNameKey(channel.name);
  return stageRows(
    op.check({ key: nameKey, versionstamp: null }),
    channelRows(channel),
  );
}

/** Adds a membership (both rows and the count) to `op`, only if not a member yet. */
export function stageJoin(
  op: Deno.AtomicOperation,
  channelId: string,
  userId: string,
  joinedAt: string,
): Deno.AtomicOperation {
  // The null check makes a concurrent double join fail instead of counting twice.
  op.check({ key: memberKey(channelId, userId), versionstamp: null });
  return stageRows(op, membershipRows(channelId, userId, joinedAt))
    .sum(memberCountKey(channelId), PLUS_ONE);
}

/** Removes the membership read as `entry` (both rows and the count) in `op`. */
export function stageLeave(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<unknown>,
  channelId: string,
  userId: string,
): Deno.AtomicOperation {
  return op
    .check(entry)
    .delete(entry.key)
    .delete(userChannelKey(userId, channelId))
    .delete(notificationSettingKey(userId, channelId))
    .sum(memberCountKey(channelId), MINUS_ONE);
}

/**
 * Adds counts, lastSeq and unread to stored channels as seen by `viewerId`.
 * `joined` is read from KV unless the caller already knows it for every channel.
 */
export async function toChannels(
  kv: Deno.Kv,
  records: ChannelRecord[],
  viewerId?: string,
  knownJoined?: boolean,
): Promise<Channel[]> {
  const readJoined = viewerId !== undefined && knownJoined === undefined;
  const perChannel = 2 + (viewerId === undefined ? 0 : 2) +
    (readJoined ? 1 : 0);
  const keys: Deno.KvKey[] = [];
  for (const record of records) {
    keys.push(memberCountKey(record.id), channelSeqKey(record.id));
    if (viewerId !== undefined) {
      keys.push(
        readMarkerKey(viewerId, record.id),
        notificationSettingKey(viewerId, record.id),
      );
    }
    if (readJoined) keys.push(memberKey(record.id, viewerId));
  }
  const entries = await getManyChunked<unknown>(kv, keys);
  const people = await dmPeople(kv, records);
  return await Promise.all(records.map(async (record, i) => {
    const base = i * perChannel;
    const memberCount = u64ToNumber(entries[base].value);
    const { seq: lastSeq, rev } = counterOf(entries[base + 1].value);
    const channel: Channel = {
      ...record,
      kind: isDm(record) ? "dm" : "channel",
      memberCount,
      lastSeq,
      rev,
      unread: 0,
      mentions: 0,
      slowModeSeconds: record.slowModeSeconds ?? 0,
      postPolicy: record.postPolicy ?? "everyone",
      ...settingOf(record, null),
    };
    if (isDm(record)) {
      channel.people = (record.peopleIds ?? []).flatMap((id) => {
        const person = people.get(id);
        return person ? [person] : [];
      });
    }
    if (viewerId === undefined) return channel;
    const joined = readJoined
      ? entries[base + 4].value !== null
      : knownJoined === true;
    const marker = u64ToNumber(entries[base + 2].value);
    // Unread only means something to members; a marker can never pass lastSeq
    // but the floor keeps the count sane whatever is stored.
    channel.unread = joined ? Math.max(0, lastSeq - marker) : 0;
    if (channel.unread > 0) {
      channel.mentions = await countMentions(kv, viewerId, record.id, marker);
    }
    channel.joined = joined;
    if (joined) {
      const stored = entries[base + 3].value as
        | StoredNotificationSetting
        | null;
      Object.assign(channel, settingOf(record, stored));
    }
    return channel;
  }));
}

// Counting stops here; a badge need not tell 1,000 from more.
const MAX_MENTIONS_COUNTED = 1000;

// The viewer's mentions in a channel after their read marker.
async function countMentions(
  kv: Deno.Kv,
  userId: string,
  channelId: string,
  marker: number,
): Promise<number> {
  const prefix = channelMentionsPrefix(userId, channelId);
  let count = 0;
  const entries = kv.list({ prefix, start: [...prefix, marker + 1] }, {
    limit: MAX_MENTIONS_COUNTED,
  });
  for await (const _ of entries) count++;
  return count;
}

// The people of the DMs among `records`, by id, with the names pages show.
async function dmPeople(
  kv: Deno.Kv,
  records: ChannelRecord[],
): Promise<Map<string, DmPerson>> {
  const ids = [...new Set(records.flatMap((r) => r.peopleIds ?? []))];
  const found = new Map<string, DmPerson>();
  if (ids.length === 0) return found;
  const entries = await getManyChunked<UserRecord>(kv, ids.map(userKey));
  for (const entry of entries) {
    if (entry.value === null) continue;
    const { id, username, displayName, avatar } = entry.value;
    const avatarUrl = avatar ? avatarPath(id, avatar.version) : null;
    found.set(id, { id, username, displayName, avatarUrl });
  }
  return found;
}

/** Reads stored channels by id, skipping ids that no longer resolve. */
export async function getChannelRecords(
  kv: Deno.Kv,
  ids: string[],
): Promise<ChannelRecord[]> {
  const entries = await getManyChunked<ChannelRecord>(kv, ids.map(channelKey));
  return entries.flatMap((entry) => entry.value === null ? [] : [entry.value]);
}

/** Orders channels by name, case-insensitively, for stable listings. */
export function byName(a: { name: string }, b: { name: string }): number {
  const left = a.name.toLowerCase();
  const right = b.name.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

import { ApiError } from "../errors.ts";
import { channelNameSchema, seqSchema, topicSchema } from "../shared/fields.ts";
import { validate } from "../validation.ts";
import {
  byName,
  type Channel,
  type ChannelRecord,
  getChannelRecords,
  isChannelId,
  isDm,
  stageJoin,
  stageNewChannel,
  toChannels,
} from "./_channel_store.ts";
import {
  channelKey,
  channelNameKey,
  channelNamesPrefix,
  channelSeqKey,
  channelsPrefix,
  memberKey,
  readMarkerKey,
  userChannelsPrefix,
} from "./_keys.ts";
import { now, retryAtomic, retryWrites } from "./_kv.ts";
import { counterOf } from "./_message_record.ts";
import { settingOf } from "./notifications.ts";

export {
  type Channel,
  type ChannelRecord,
  GENERAL_CHANNEL_NAME,
} from "./_channel_store.ts";
export {
  addMember,
  isMember,
  joinChannel,
  leaveChannel,
  listMembers,
} from "./members.ts";

/** Input of `createChannel`. */
export interface NewChannel {
  name: string;
  topic?: string;
  private?: boolean;
}

/**
 * Creates a channel whose name is unique ignoring case (409 `channel_exists`).
 * The creator becomes its owner and first member in the same atomic.
 */
export async function createChannel(
  kv: Deno.Kv,
  ownerId: string,
  input: NewChannel,
): Promise<Channel> {
  // The same rules as the API's, so no caller can store what it would refuse.
  const name = validate(input.name, channelNameSchema);
  const topic = validate(input.topic ?? "", topicSchema);
  const record: ChannelRecord = {
    id: crypto.randomUUID(),
    name,
    topic,
    private: input.private ?? false,
    ownerId,
    createdAt: now(),
  };
  const nameKey = channelNameKey(name);
  return await retryAtomic(`channel "${name}"`, async () => {
    // Read first for a clear 409; the check inside stageNewChannel closes the race.
    if ((await kv.get(nameKey)).value !== null) {
      throw new ApiError(
        409,
        "channel_exists",
        `Channel "${name}" already exists`,
      );
    }
    const op = stageNewChannel(kv.atomic(), record);
    stageJoin(op, record.id, ownerId, record.createdAt);
    const channel: Channel = {
      ...record,
      kind: "channel",
      memberCount: 1,
      lastSeq: 0,
      rev: 0,
      unread: 0,
      mentions: 0,
      slowModeSeconds: 0,
      postPolicy: "everyone",
      ...settingOf(record, null),
      joined: true,
    };
    return { op, value: channel };
  });
}

/**
 * A channel with counts, or null. With `viewerId`, `unread` and `joined` are
 * that user's; without it `unread` is 0 and `joined` is absent.
 */
export async function getChannel(
  kv: Deno.Kv,
  id: string,
  viewerId?: string,
): Promise<Channel | null> {
  if (!isChannelId(id)) return null;
  const record = (await kv.get<ChannelRecord>(channelKey(id))).value;
  if (record === null) return null;
  const [channel] = await toChannels(kv, [record], viewerId);
  return channel;
}

/** The channels a user belongs to, by name, with memberCount, lastSeq and unread. */
export async function listUserChannels(
  kv: Deno.Kv,
  userId: string,
): Promise<Channel[]> {
  const ids = await listUserChannelIds(kv, userId);
  const records = await getChannelRecords(kv, ids);
  const channels = await toChannels(kv, records, userId, true);
  return channels.sort(byName);
}

/** Every public channel plus the private ones the user is in (DMs aside), each with `joined`. */
export async function listAllChannels(
  kv: Deno.Kv,
  userId: string,
): Promise<Channel[]> {
  const joined = new Set(await listUserChannelIds(kv, userId));
  const visible: ChannelRecord[] = [];
  for await (
    const entry of kv.list<ChannelRecord>({ prefix: channelsPrefix })
  ) {
    // Browsing never lists a DM, not even to its people.
    if (entry.value.kind === "dm") continue;
    if (!entry.value.private || joined.has(entry.value.id)) {
      visible.push(entry.value);
    }
  }
  const mine = await toChannels(
    kv,
    visible.filter((c) => joined.has(c.id)),
    userId,
    true,
  );
  const others = await toChannels(
    kv,
    visible.filter((c) => !joined.has(c.id)),
    userId,
    false,
  );
  return [...mine, ...others].sort(byName);
}

/** One page of the channels a user may browse, and where the next page starts. */
export interface ChannelPage {
  channels: Channel[];
  /** The cursor of the next page (a lower-cased name), null on the last one. */
  next: string | null;
}

// Name-index entries read per round while filling a page.
const BROWSE_BATCH = 200;

/**
 * Up to `limit` channels a user may see (public ones, and private ones they
 * are in), in the name index's order, after the lower-cased name `after`.
 * Reads the index, not every channel: a page costs about `limit` channels.
 */
export async function listChannelPage(
  kv: Deno.Kv,
  userId: string,
  { after, limit }: { after?: string; limit: number },
): Promise<ChannelPage> {
  const joined = new Set(await listUserChannelIds(kv, userId));
  const picked: ChannelRecord[] = [];
  const names: string[] = [];
  const entries = kv.list<string>({
    prefix: channelNamesPrefix,
    ...(after === undefined ? {} : { start: channelNameKey(after) }),
  }, { batchSize: BROWSE_BATCH });
  let batch: { id: string; name: string }[] = [];
  const take = async () => {
    const records = await getChannelRecords(kv, batch.map((b) => b.id));
    const byId = new Map(records.map((record) => [record.id, record]));
    for (const { id, name } of batch) {
      const record = byId.get(id);
      // A DM is never browsed, not even by its own people.
      if (
        record && !isDm(record) && (!record.private || joined.has(record.id))
      ) {
        picked.push(record);
        names.push(name);
      }
    }
    batch = [];
  };
  for await (const entry of entries) {
    const name = entry.key[entry.key.length - 1] as string;
    if (name === after) continue;
    batch.push({ id: entry.value, name });
    if (batch.length >= BROWSE_BATCH) await take();
    if (picked.length > limit) break;
  }
  if (batch.length > 0) await take();
  const more = picked.length > limit;
  const page = picked.slice(0, limit);
  const withJoined = await Promise.all([
    toChannels(kv, page.filter((c) => joined.has(c.id)), userId, true),
    toChannels(kv, page.filter((c) => !joined.has(c.id)), userId, false),
  ]);
  const byId = new Map(withJoined.flat().map((c) => [c.id, c]));
  return {
    channels: page.map((record) => byId.get(record.id)!),
    next: more ? names[limit - 1] : null,
  };
}

/** A channel and whether a user belongs to it, read together. */
export interface Membership {
  /** The stored channel, null when no channel has that id. */
  channel: ChannelRecord | null;
  /** When the user joined, null when they are not a member. */
  joinedAt: string | null;
  /**
   * The channel's history stamp (see `getHistoryStamp`), read in the same
   * round trip; undefined when not known (a membership kept past a new message).
   */
  historyStamp?: string | null;
}

/**
 * The keys {@linkcode getMembership} reads, for a caller that reads them
 * along with others in one `getMany` (see {@linkcode membershipOf}); none
 * for an id that cannot name a channel.
 */
export function membershipKeys(
  channelId: string,
  userId: string,
): Deno.KvKey[] {
  if (!isChannelId(channelId)) return [];
  return [
    channelKey(channelId),
    memberKey(channelId, userId),
    channelSeqKey(channelId),
  ];
}

/** The membership read from the entries of {@linkcode membershipKeys}, in their order. */
export function membershipOf(
  entries: Deno.KvEntryMaybe<unknown>[],
): Membership {
  if (entries.length < 3) {
    return { channel: null, joinedAt: null, historyStamp: null };
  }
  const [channel, member, counter] = entries;
  return {
    channel: channel.value as ChannelRecord | null,
    joinedAt: member.value as string | null,
    historyStamp: counter.versionstamp,
  };
}

/** A membership read ahead of its check, with what it was read for. */
interface ReadAhead {
  channelId: string;
  userId: string;
  membership: Membership;
  readAt: number;
}

// Memberships read in the same round trip as a request's token standing,
// each kept on the request's user object until its standing check takes it.
const readAhead = new WeakMap<object, ReadAhead>();

/** How long a membership read ahead stands for a fresh read, in ms. */
export const READ_AHEAD_MS = 1000;

/**
 * Keeps `membership` of `userId` in `channelId`, read along with something
 * else, for the next {@linkcode getMembership} given the same `holder` (one
 * request's user object): taken once, and only within {@linkcode READ_AHEAD_MS}.
 */
export function keepMembership(
  holder: object,
  channelId: string,
  userId: string,
  membership: Membership,
): void {
  readAhead.set(holder, {
    channelId,
    userId,
    membership,
    readAt: performance.now(),
  });
}

/**
 * Reads a channel, one user's membership of it and its history stamp in one
 * round trip; none when `holder` was given the same read by
 * {@linkcode keepMembership} just before (the read is used once).
 */
export async function getMembership(
  kv: Deno.Kv,
  channelId: string,
  userId: string,
  holder?: object,
): Promise<Membership> {
  if (holder !== undefined) {
    const kept = readAhead.get(holder);
    if (kept !== undefined) {
      readAhead.delete(holder);
      if (
        kept.channelId === channelId && kept.userId === userId &&
        performance.now() - kept.readAt < READ_AHEAD_MS
      ) return kept.membership;
    }
  }
  const keys = membershipKeys(channelId, userId);
  if (keys.length === 0) return membershipOf([]);
  return membershipOf(await kv.getMany(keys));
}

/**
 * Moves a user's read marker forward to `seq`, clamped to the channel's
 * lastSeq. A lower value than the stored marker changes nothing.
 */
export async function markRead(
  kv: Deno.Kv,
  userId: string,
  channelId: string,
  seq: number,
): Promise<void> {
  validate(seq, seqSchema);
  const { seq: lastSeq } = counterOf(
    (await kv.get(channelSeqKey(channelId))).value,
  );
  const target = Math.min(seq, lastSeq);
  if (target === 0) return;
  // `max` keeps the larger of stored and new marker inside KV itself, so
  // concurrent or out-of-order marks can never move it back. lastSeq only
  // grows, so clamping to a value read just before stays correct.
  // No checks, so only a locked database can make this fail.
  await retryWrites(
    "the read marker",
    () => kv.atomic().max(readMarkerKey(userId, channelId), BigInt(target)),
  );
}

/** The ids of the channels a user belongs to, without reading the channels. */
export async function listUserChannelIds(
  kv: Deno.Kv,
  userId: string,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: userChannelsPrefix(userId) })) {
    ids.push(entry.key[2] as string);
  }
  return ids;
}

/** The stored channels a user belongs to now, unordered. */
export async function getUserChannelRecords(
  kv: Deno.Kv,
  userId: string,
): Promise<ChannelRecord[]> {
  return await getChannelRecords(kv, await listUserChannelIds(kv, userId));
}

import { ApiError } from "../errors.ts";
import {
  type Channel,
  channelNotFound,
  type ChannelRecord,
  isChannelId,
  stageJoin,
  stageLeave,
  toChannels,
} from "./_channel_store.ts";
import { type AuditEntry, stageAudit } from "./audit.ts";
import { channelKey, memberKey, membersPrefix, userKey } from "./_keys.ts";
import { getManyChunked, now, retryAtomic } from "./_kv.ts";
import {
  getUserRecordByName,
  toPublicUser,
  type User,
  type UserRecord,
} from "./users.ts";

// The channel (404 when unknown) and the user's member row, read together.
async function readMembership(kv: Deno.Kv, channelId: string, userId: string) {
  const [channel, member] = await kv.getMany<[ChannelRecord, string]>([
    channelKey(channelId),
    memberKey(channelId, userId),
  ]);
  if (channel.value === null) throw channelNotFound(channelId);
  return [channel as Deno.KvEntry<ChannelRecord>, member] as const;
}

/**
 * Joins a channel and returns it; joining twice is a no-op. 404 for an unknown
 * channel. Who may join (not everyone, for a private channel) is the caller's
 * rule (see `lib/chat/standing.ts`).
 */
export async function joinChannel(
  kv: Deno.Kv,
  channelId: string,
  userId: string,
): Promise<Channel> {
  if (!isChannelId(channelId)) throw channelNotFound(channelId);
  const channel = await retryAtomic("the membership", async () => {
    const [channel, member] = await readMembership(kv, channelId, userId);
    if (member.value === null) {
      const op = stageJoin(kv.atomic(), channelId, userId, now());
      return { op, value: channel.value };
    }
    return { value: channel.value };
  });
  const [view] = await toChannels(kv, [channel], userId, true);
  return view;
}

/** Leaves a channel; leaving one you are not in is a no-op. 404 for an unknown channel. */
export async function leaveChannel(
  kv: Deno.Kv,
  channelId: string,
  userId: string,
  audit?: AuditEntry,
): Promise<void> {
  if (!isChannelId(channelId)) throw channelNotFound(channelId);
  await retryAtomic("the membership", async () => {
    const [, member] = await readMembership(kv, channelId, userId);
    if (member.value === null) return { value: undefined };
    const op = stageLeave(kv.atomic(), member, channelId, userId);
    if (audit) stageAudit(op, audit);
    return { op, value: undefined };
  });
}

/**
 * Adds `username` to a channel (public or private) and returns the added user;
 * adding a member again is a no-op. 404 for an unknown channel or user. Who
 * may add is the caller's rule (see `lib/chat/standing.ts`).
 */
export async function addMember(
  kv: Deno.Kv,
  channelId: string,
  username: string,
): Promise<User> {
  if (!isChannelId(channelId)) throw channelNotFound(channelId);
  const channel = (await kv.get<ChannelRecord>(channelKey(channelId))).value;
  if (channel === null) throw channelNotFound(channelId);
  const user = await getUserRecordByName(kv, username);
  if (user === null) {
    throw new ApiError(
      404,
      "user_not_found",
      `User "${username}" not found`,
    );
  }
  return await retryAtomic("the membership", async () => {
    const member = await kv.get(memberKey(channelId, user.id));
    if (member.value !== null) return { value: toPublicUser(user) };
    const op = stageJoin(kv.atomic(), channelId, user.id, now());
    return { op, value: toPublicUser(user) };
  });
}

/** A channel's members as public users, by username; empty for an unknown channel. */
export async function listMembers(
  kv: Deno.Kv,
  channelId: string,
): Promise<User[]> {
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: membersPrefix(channelId) })) {
    ids.push(entry.key[2] as string);
  }
  const entries = await getManyChunked<UserRecord>(kv, ids.map(userKey));
  return entries
    .flatMap((entry) => entry.value === null ? [] : [toPublicUser(entry.value)])
    .sort((a, b) =>
      a.username.toLowerCase() < b.username.toLowerCase() ? -1 : 1
    );
}

/** Whether `userId` belongs to the channel (false for ids no channel or user can have). */
export async function isMember(
  kv: Deno.Kv,
  channelId: string,
  userId: string,
): Promise<boolean> {
  // Ids come from URLs too; an over-long one would overflow KV's key limit.
  if (!isChannelId(channelId) || !isChannelId(userId)) return false;
  return (await kv.get(memberKey(channelId, userId))).value !== null;
}

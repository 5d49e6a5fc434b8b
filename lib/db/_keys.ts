/**
 * Every Deno KV key Hearth uses, in one place. Only modules under `lib/db/`
 * import this; the rest of the app never builds keys.
 *
 * Layout (value in parentheses):
 * - `["users", userId]` (UserRecord)
 * - `["users_by_name", lowerUsername]` (userId)
 * - `["channels", channelId]` (ChannelRecord)
 * - `["channels_by_name", lowerName]` (channelId)
 * - `["channel_member_count", channelId]` (Deno.KvU64, kept with `sum`)
 * - `["members", channelId, userId]` (joinedAt ISO string)
 * - `["user_channels", userId, channelId]` (joinedAt ISO string)
 * - `["read_markers", userId, channelId]` (Deno.KvU64, kept with `max`)
 * - `["channel_seq", channelId]` (number: the channel's last message seq)
 * - `["messages", channelId, seq]` (MessageRecord)
 * - `["message_client_ids", channelId, authorId, clientId]` (seq)
 */

/** Key of a stored user. */
export const userKey = (id: string): Deno.KvKey => ["users", id];
/** Unique index from a lower-cased username to a user id. */
export const userNameKey = (lowerName: string): Deno.KvKey => [
  "users_by_name",
  lowerName,
];
/** Key of a stored channel. */
export const channelKey = (id: string): Deno.KvKey => ["channels", id];
/** Prefix of every stored channel. */
export const channelsPrefix: Deno.KvKey = ["channels"];
/** Unique index from a lower-cased channel name to a channel id. */
export const channelNameKey = (lowerName: string): Deno.KvKey => [
  "channels_by_name",
  lowerName,
];
/** Counter of a channel's members. */
export const memberCountKey = (channelId: string): Deno.KvKey => [
  "channel_member_count",
  channelId,
];
/** Membership row, listed per channel. */
export const memberKey = (channelId: string, userId: string): Deno.KvKey => [
  "members",
  channelId,
  userId,
];
/** Prefix of a channel's membership rows. */
export const membersPrefix = (channelId: string): Deno.KvKey => [
  "members",
  channelId,
];
/** Membership row mirrored per user, written in the same atomic as `memberKey`. */
export const userChannelKey = (
  userId: string,
  channelId: string,
): Deno.KvKey => ["user_channels", userId, channelId];
/** Prefix of a user's mirrored membership rows. */
export const userChannelsPrefix = (userId: string): Deno.KvKey => [
  "user_channels",
  userId,
];
/** A user's read marker (last read seq) in a channel. */
export const readMarkerKey = (
  userId: string,
  channelId: string,
): Deno.KvKey => ["read_markers", userId, channelId];
/** A channel's message counter: the seq of its newest message. */
export const channelSeqKey = (channelId: string): Deno.KvKey => [
  "channel_seq",
  channelId,
];
/** Key of one message. */
export const messageKey = (channelId: string, seq: number): Deno.KvKey => [
  "messages",
  channelId,
  seq,
];
/** Prefix of a channel's messages, ordered by seq. */
export const messagesPrefix = (channelId: string): Deno.KvKey => [
  "messages",
  channelId,
];
/** Idempotency index from an author's clientId to the stored seq. */
export const messageClientIdKey = (
  channelId: string,
  authorId: string,
  clientId: string,
): Deno.KvKey => ["message_client_ids", channelId, authorId, clientId];
/** A key nothing writes: `/healthz` reads it to prove the store answers. */
export const healthKey: Deno.KvKey = ["health"];

/**
 * Every Deno KV key Hearth stores, in one registry: each key family's first
 * part, what it holds, how a backup treats it, and its builders. The data
 * layer, the file store and auth build their keys here; the backup derives
 * what it exports, requires empty and cleans up from `KEY_FAMILIES`. Nothing
 * else spells a key.
 */

/** How a backup treats a key family. */
export type BackupRole =
  /** Exported, and written by an import, which requires the family empty. */
  | "restored"
  /** Exported and restored, but a target may hold it already (a server started once). */
  | "restored_last"
  /** Never in a backup: it is transient or only means something to one server. */
  | "skipped";

/** One kind of key: all its keys start with `root`. */
export interface KeyFamily {
  /** The first part of every key of the family. */
  readonly root: string;
  /** The rest of the key, and the value stored under it. */
  readonly layout: string;
  /** How a backup treats it. */
  readonly backup: BackupRole;
}

/** The key families, in the order an import checks and cleans them. */
export const KEY_FAMILIES = [
  { root: "users", layout: "[userId] -> UserRecord", backup: "restored" },
  {
    root: "users_by_name",
    layout: "[lowerName] -> userId",
    backup: "restored",
  },
  { root: "channels", layout: "[id] -> ChannelRecord", backup: "restored" },
  {
    root: "channels_by_name",
    layout: "[lowerName] -> channelId",
    backup: "restored",
  },
  {
    root: "channel_member_count",
    layout: "[channelId] -> KvU64, kept with sum",
    backup: "restored",
  },
  {
    root: "members",
    layout: "[channelId, userId] -> joinedAt",
    backup: "restored",
  },
  {
    root: "user_channels",
    layout: "[userId, channelId] -> joinedAt, written with members",
    backup: "restored",
  },
  {
    root: "read_markers",
    layout: "[userId, channelId] -> KvU64 seq, kept with max",
    backup: "restored",
  },
  {
    root: "channel_seq",
    layout: "[channelId] -> number, the last message seq",
    backup: "restored",
  },
  {
    root: "messages",
    layout: "[channelId, seq] -> MessageRecord",
    backup: "restored",
  },
  {
    root: "message_client_ids",
    layout: "[channelId, authorId, clientId] -> seq",
    backup: "restored",
  },
  {
    root: "files",
    layout: "[fileId] -> FileMeta, written after every chunk",
    backup: "restored",
  },
  {
    root: "file_chunks",
    layout: "[fileId, n] -> bytes, at most 64 KiB",
    backup: "restored",
  },
  {
    root: "revoked_tokens",
    layout: "[jti] -> exp, expiring with the token",
    backup: "restored",
  },
  {
    root: "config",
    layout: '["jwt_key"] -> the generated token signing key',
    backup: "restored_last",
  },
  {
    root: "pending_uploads",
    layout: "[fileId] -> ms, expiring: an upload in progress",
    backup: "skipped",
  },
  {
    root: "upload_started",
    layout: "[fileId] -> ms: the record the sweeper reads",
    backup: "skipped",
  },
  {
    root: "rate_limit",
    layout: "[limitName, key] -> arrival time ms, expiring",
    backup: "skipped",
  },
  {
    root: "user_storage",
    layout: "[userId] -> KvU64 bytes of the files they shared",
    backup: "skipped",
  },
  {
    root: "health",
    layout: "[] -> never written: /healthz reads it to prove the store answers",
    backup: "skipped",
  },
] as const satisfies readonly KeyFamily[];

/** The first part of some key family's keys. */
export type KeyRoot = (typeof KEY_FAMILIES)[number]["root"];

/** The prefix of every key of the family `root`. */
export const familyPrefix = (root: KeyRoot): Deno.KvKey => [root];

// Users.
/** Key of a stored user. */
export const userKey = (id: string): Deno.KvKey => ["users", id];
/** Unique index from a lower-cased username to a user id. */
export const userNameKey = (lowerName: string): Deno.KvKey => [
  "users_by_name",
  lowerName,
];

// Channels and memberships.
/** Key of a stored channel. */
export const channelKey = (id: string): Deno.KvKey => ["channels", id];
/** Prefix of every stored channel. */
export const channelsPrefix: Deno.KvKey = familyPrefix("channels");
/** Unique index from a lower-cased channel name to a channel id. */
export const channelNameKey = (lowerName: string): Deno.KvKey => [
  "channels_by_name",
  lowerName,
];
/** Prefix of the name index, which lists channels in name order. */
export const channelNamesPrefix: Deno.KvKey = familyPrefix("channels_by_name");
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
/** Prefix of a user's read markers, one per channel. */
export const readMarkersPrefix = (userId: string): Deno.KvKey => [
  "read_markers",
  userId,
];

// Messages.
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
/** Prefix of a channel's clientId index. */
export const clientIdsPrefix = (channelId: string): Deno.KvKey => [
  "message_client_ids",
  channelId,
];

// Files.
/** A committed file's metadata. */
export const fileKey = (id: string): Deno.KvKey => ["files", id];
/** The n-th 64 KiB chunk of a file's bytes. */
export const chunkKey = (id: string, n: number): Deno.KvKey => [
  "file_chunks",
  id,
  n,
];
/** Prefix of a file's chunks, ordered by n. */
export const chunksPrefix = (id: string): Deno.KvKey => ["file_chunks", id];
/** An upload in progress, with a time to live. */
export const pendingKey = (id: string): Deno.KvKey => ["pending_uploads", id];
/** Durable in-progress record of an upload, which the sweeper reads. */
export const startedKey = (id: string): Deno.KvKey => ["upload_started", id];
/** The prefix under which every upload-in-progress record lives. */
export const STARTED_PREFIX: Deno.KvKey = familyPrefix("upload_started");

// Auth.
/** The generated token signing key. */
export const signingKeyKey: Deno.KvKey = ["config", "jwt_key"];
/** A signed-out token, by its `jti`. */
export const revokedTokenKey = (jti: string): Deno.KvKey => [
  "revoked_tokens",
  jti,
];
/** Bytes of files a user has shared, for `--user-storage-mb`. */
export const userStorageKey = (userId: string): Deno.KvKey => [
  "user_storage",
  userId,
];
/** A rate limiter's arrival time for one client key (hashed when long). */
export const rateLimitKey = (
  limitName: string,
  key: string | Uint8Array,
): Deno.KvKey => ["rate_limit", limitName, key];

/** A key nothing writes: `/healthz` reads it to prove the store answers. */
export const healthKey: Deno.KvKey = familyPrefix("health");

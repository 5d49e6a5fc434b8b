/**
 * Every Deno KV key Hearth stores, in one registry: each key family's first
 * part, what it holds, how a backup treats it, and its builders. The data
 * layer, the file store and auth build their keys here; the backup derives
 * what it exports, requires empty and cleans up from `KEY_FAMILIES`. Nothing
 * else spells a key.
 */
import { comparableName } from "../shared/text.ts";

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
    layout:
      "[name lower-cased, NFC, without invisible characters] -> channelId",
    backup: "restored",
  },
  {
    root: "dms_by_people",
    layout:
      "[sorted member ids joined by commas] -> channelId, written with the DM",
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
    layout:
      "[channelId] -> {seq, rev}: the last message seq and the change counter (a bare seq in older databases)",
    backup: "restored",
  },
  {
    root: "messages",
    layout: "[channelId, seq] -> MessageRecord",
    backup: "restored",
  },
  {
    root: "message_changes",
    layout:
      "[channelId, rev] -> seq: each message once, at its latest change (derived from messages on import)",
    backup: "restored",
  },
  {
    root: "message_replies",
    layout:
      "[channelId, seq, replySeq] -> null: the replies to a message (derived on import)",
    backup: "restored",
  },
  {
    root: "mentions",
    layout:
      "[userId, channelId, seq] -> createdAt: messages mentioning a user (derived on import)",
    backup: "restored",
  },
  {
    root: "mentions_by_time",
    layout:
      "[userId, createdAt, channelId, seq] -> null: the same, newest last (derived on import)",
    backup: "restored",
  },
  {
    root: "notification_settings",
    layout:
      "[userId, channelId] -> {level, muted}: a member's notification choice, deleted on leave",
    backup: "restored",
  },
  {
    root: "message_client_ids",
    layout: "[channelId, authorId, clientId] -> seq",
    backup: "restored",
  },
  {
    root: "search_postings",
    layout:
      "[channelId, gram, block] -> Uint8Array of 16-bit offsets: the seqs of a block of 1,024 whose text holds a bigram or trigram (rebuilt from messages)",
    backup: "skipped",
  },
  {
    root: "search_docs",
    layout:
      "[channelId, seq] -> the normalized text the postings were made from (rebuilt from messages)",
    backup: "skipped",
  },
  {
    root: "search_cursor",
    layout:
      "[channelId] -> rev: the change log is indexed up to here (rebuilt from messages)",
    backup: "skipped",
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
    root: "invites",
    layout: "[code] -> InviteRecord, uses counted with check",
    backup: "restored",
  },
  {
    root: "invites_by_creator",
    layout: "[userId, code] -> createdAt, written with invites",
    backup: "restored",
  },
  {
    root: "friends",
    layout:
      "[userId, otherId] -> FriendLink {state: friends | outgoing | incoming, since}, written in mirrored pairs",
    backup: "restored",
  },
  {
    root: "blocks",
    layout: "[blockerId, blockedId] -> {at}: the blocker's choice alone",
    backup: "restored",
  },
  {
    root: "bans",
    layout:
      "[userId] -> BanRecord, written with the user record's `ban` (which tokens check; derived from it on import)",
    backup: "restored",
  },
  {
    root: "timeouts",
    layout:
      "[userId] -> TimeoutRecord, expiring when the timeout ends (exported while in force)",
    backup: "restored",
  },
  {
    root: "slow_mode",
    layout:
      "[channelId, userId] -> ms of the member's last post, expiring with the window",
    backup: "skipped",
  },
  {
    root: "audit",
    layout:
      "[id] -> AuditRecord; ids sort by time (ms, zero-padded, then random), never changed",
    backup: "restored",
  },
  {
    root: "audit_by",
    layout:
      '["action" | "actor" | "target", value, id] -> null: the audit log by action and person, written with the entry (derived on import)',
    backup: "restored",
  },
  {
    root: "reports",
    layout:
      "[id] -> ReportRecord: an open report; ids sort by time like the audit's, deleted when closed",
    backup: "restored",
  },
  {
    root: "reports_open",
    layout:
      "[channelId, seq, reporterId] -> report id, written with the report: one open report per reporter and message (derived on import)",
    backup: "restored",
  },
  {
    root: "settings",
    layout:
      '["instance"] -> InstanceSettings {name?, registration?}, changed by admins',
    backup: "restored",
  },
  {
    root: "revoked_tokens",
    layout: "[jti] -> exp, expiring with the token",
    backup: "restored",
  },
  {
    root: "avatars",
    layout:
      "[userId, version, part] -> Uint8Array (60 KB parts of the image; the user record holds the version)",
    backup: "restored",
  },
  {
    root: "user_sessions",
    layout: "[userId, jti] -> exp, expiring with the token: who to sign out",
    backup: "skipped",
  },
  {
    root: "config",
    layout: '["jwt_key"] -> the generated token signing key',
    backup: "restored_last",
  },
  {
    root: "push_keys",
    layout:
      "[] -> {publicKey, privateJwk}: the VAPID key pair, generated once (restored with the subscriptions, which are tied to it; a server started once may hold one already)",
    backup: "restored_last",
  },
  {
    root: "push_subscriptions",
    layout:
      "[userId, subId] -> PushSubscriptionRecord: one per browser (subId hashes the endpoint); a backup carries them only with the key pair",
    backup: "restored",
  },
  {
    root: "push_sent",
    layout:
      "[subId, channelId, seq] -> 1, expiring: a message already pushed to a browser",
    backup: "skipped",
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
    root: "unreferenced_files",
    layout:
      "[fileId] -> ms, or {reclaiming: ids}: a committed file no message points at yet",
    backup: "skipped",
  },
  {
    root: "relay_head",
    layout:
      '[stream] -> number: the last entry of a relay stream (a channel id, or "" for control), expiring',
    backup: "skipped",
  },
  {
    root: "relay_log",
    layout:
      "[stream, n] -> RelayEntry: live events and control messages between instances, expiring",
    backup: "skipped",
  },
  {
    root: "online_heads",
    layout:
      "[instanceId] -> OnlineHead: a running instance's beat and the generation of each part of its online users, expiring",
    backup: "skipped",
  },
  {
    root: "online_users",
    layout:
      "[instanceId, part] -> OnlinePart: one part of the users with a socket on a running instance, expiring",
    backup: "skipped",
  },
  {
    root: "rate_limit",
    layout: "[limitName, key] -> arrival time ms, expiring",
    backup: "skipped",
  },
  {
    root: "user_storage",
    layout:
      "[userId] -> KvU64 bytes of the files their live messages carry, summed in the message's atomic; an import rebuilds it from the messages",
    backup: "restored",
  },
  {
    root: "bots",
    layout:
      "[botId] -> BotRecord: who made the bot, its outgoing webhook (the account is in users)",
    backup: "restored",
  },
  {
    root: "webhooks",
    layout: "[hookId] -> WebhookRecord: an incoming webhook, its secret hashed",
    backup: "restored",
  },
  {
    root: "channel_webhooks",
    layout: "[channelId, hookId] -> createdAt, written with webhooks",
    backup: "restored",
  },
  {
    root: "bot_deliveries",
    layout:
      "[botId, deliveryId] -> DeliveryRecord, expiring: the outgoing webhook's log (ids sort by time)",
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
/**
 * Unique index from a channel name, as names are compared (see
 * `comparableName`: "General" and "gen\u200deral" are "general"), to a channel id.
 */
export const channelNameKey = (name: string): Deno.KvKey => [
  "channels_by_name",
  comparableName(name),
];
/** Unique index from a DM's set of people (see `peopleKey`) to its channel id. */
export const dmPeopleKey = (people: string): Deno.KvKey => [
  "dms_by_people",
  people,
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
/** A member's notification level and mute for one channel. */
export const notificationSettingKey = (
  userId: string,
  channelId: string,
): Deno.KvKey => ["notification_settings", userId, channelId];

// Web Push.
/** The VAPID key pair. */
export const pushKeysKey: Deno.KvKey = familyPrefix("push_keys");
/** A browser's push subscription, per user. */
export const pushSubscriptionKey = (
  userId: string,
  subId: string,
): Deno.KvKey => ["push_subscriptions", userId, subId];
/** Prefix of a user's push subscriptions. */
export const pushSubscriptionsPrefix = (userId: string): Deno.KvKey => [
  "push_subscriptions",
  userId,
];
/** Prefix of every push subscription, of every user. */
export const allPushSubscriptionsPrefix: Deno.KvKey = familyPrefix(
  "push_subscriptions",
);
/** Marks a message as pushed to one browser, so it is pushed there once. */
export const pushSentKey = (
  subId: string,
  channelId: string,
  seq: number,
): Deno.KvKey => ["push_sent", subId, channelId, seq];

// Messages.
/** A channel's message counter: the seq of its newest message. */
export const channelSeqKey = (channelId: string): Deno.KvKey => [
  "channel_seq",
  channelId,
];
/** The head of a relay stream: its last entry's number. */
export const relayHeadKey = (stream: string): Deno.KvKey => [
  "relay_head",
  stream,
];
/** One entry of a relay stream. */
export const relayEntryKey = (stream: string, n: number): Deno.KvKey => [
  "relay_log",
  stream,
  n,
];
/** Prefix of a relay stream's entries, in order. */
export const relayLogPrefix = (stream: string): Deno.KvKey => [
  "relay_log",
  stream,
];
/** A running instance's head: its beat and its parts' generations. */
export const onlineHeadKey = (instance: string): Deno.KvKey => [
  "online_heads",
  instance,
];
/** Prefix of every running instance's head. */
export const allOnlineHeadsPrefix: Deno.KvKey = familyPrefix("online_heads");
/** One part of the users online on a running instance. */
export const onlinePartKey = (instance: string, part: number): Deno.KvKey => [
  "online_users",
  instance,
  part,
];
/** Prefix of one instance's parts. */
export const onlinePartsPrefix = (instance: string): Deno.KvKey => [
  "online_users",
  instance,
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

/** The change log row of the message whose latest change has `rev`. */
export const messageChangeKey = (
  channelId: string,
  rev: number,
): Deno.KvKey => [
  "message_changes",
  channelId,
  rev,
];
/** Prefix of a channel's change log, ordered by rev. */
export const messageChangesPrefix = (channelId: string): Deno.KvKey => [
  "message_changes",
  channelId,
];
/** Index row: the message `replySeq` answers the message `seq`. */
export const messageReplyKey = (
  channelId: string,
  seq: number,
  replySeq: number,
): Deno.KvKey => ["message_replies", channelId, seq, replySeq];
/** Prefix of the reply index rows of a whole channel. */
export const channelRepliesPrefix = (channelId: string): Deno.KvKey => [
  "message_replies",
  channelId,
];
/** Prefix of the replies to one message. */
export const messageRepliesPrefix = (
  channelId: string,
  seq: number,
): Deno.KvKey => ["message_replies", channelId, seq];
/** Index row: the message at `seq` mentions `userId`. */
export const mentionKey = (
  userId: string,
  channelId: string,
  seq: number,
): Deno.KvKey => ["mentions", userId, channelId, seq];
/** Prefix of a user's mentions in one channel, ordered by seq. */
export const channelMentionsPrefix = (
  userId: string,
  channelId: string,
): Deno.KvKey => ["mentions", userId, channelId];
/** Index row: the same mention, ordered by the message's time. */
export const mentionByTimeKey = (
  userId: string,
  createdAt: string,
  channelId: string,
  seq: number,
): Deno.KvKey => ["mentions_by_time", userId, createdAt, channelId, seq];
/** Prefix of a user's mentions across channels, oldest first. */
export const mentionsByTimePrefix = (userId: string): Deno.KvKey => [
  "mentions_by_time",
  userId,
];

// Invites.
/** An invite link, by its code. */
export const inviteKey = (code: string): Deno.KvKey => ["invites", code];
/** Prefix of every invite. */
export const invitesPrefix: Deno.KvKey = familyPrefix("invites");
/** An invite listed under its creator, written in the same atomic as `inviteKey`. */
export const creatorInviteKey = (userId: string, code: string): Deno.KvKey => [
  "invites_by_creator",
  userId,
  code,
];
/** Prefix of the invites one user created. */
export const creatorInvitesPrefix = (userId: string): Deno.KvKey => [
  "invites_by_creator",
  userId,
];

// Search.
/** Posting block: which seqs of block `block` of `channelId` hold `gram` (2 or 3 code points). */
export const searchPostingKey = (
  channelId: string,
  gram: string,
  block: number,
): Deno.KvKey => ["search_postings", channelId, gram, block];
/** Prefix of one gram's posting blocks in a channel, ordered by block. */
export const searchPostingsPrefix = (
  channelId: string,
  gram: string,
): Deno.KvKey => ["search_postings", channelId, gram];
/** The normalized text a message was indexed with, to know which postings to remove. */
export const searchDocKey = (channelId: string, seq: number): Deno.KvKey => [
  "search_docs",
  channelId,
  seq,
];
/** How far a channel's change log is indexed: the last rev applied. */
export const searchCursorKey = (channelId: string): Deno.KvKey => [
  "search_cursor",
  channelId,
];
/** The prefixes under which the search index holds a channel's postings and texts (its cursor is one key). */
export const searchChannelPrefixes = (channelId: string): Deno.KvKey[] => [
  ["search_postings", channelId],
  ["search_docs", channelId],
];
/** Prefix of everything the search index holds for a channel, in each family. */
export const SEARCH_ROOTS = [
  "search_postings",
  "search_docs",
  "search_cursor",
] as const;

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
/**
 * A committed file that no message points at yet: written with the file's
 * metadata, deleted in the atomic of the message that carries it. One that
 * stays (the message write failed, or the process died in between) is
 * reclaimed by the sweeper.
 */
export const unreferencedFileKey = (id: string): Deno.KvKey => [
  "unreferenced_files",
  id,
];
/** The prefix of every unreferenced-file record. */
export const UNREFERENCED_PREFIX: Deno.KvKey = familyPrefix(
  "unreferenced_files",
);

// Friends and blocks.
/** One side of a friendship or friend request: `userId`'s view of `otherId`. */
export const friendKey = (userId: string, otherId: string): Deno.KvKey => [
  "friends",
  userId,
  otherId,
];
/** Prefix of everyone `userId` is friends with or has a request with. */
export const friendsPrefix = (userId: string): Deno.KvKey => [
  "friends",
  userId,
];
/** `blockerId` blocked `blockedId`. */
export const blockKey = (blockerId: string, blockedId: string): Deno.KvKey => [
  "blocks",
  blockerId,
  blockedId,
];
/** Prefix of everyone `blockerId` blocked. */
export const blocksPrefix = (blockerId: string): Deno.KvKey => [
  "blocks",
  blockerId,
];

// Moderation.
/** One audit log entry, by its time-ordered id. */
export const auditKey = (id: string): Deno.KvKey => ["audit", id];
/** Someone's ban, listed for `GET /bans`. */
export const banKey = (userId: string): Deno.KvKey => ["bans", userId];
/** Prefix of every ban. */
export const bansPrefix: Deno.KvKey = familyPrefix("bans");
/** Someone's timeout, while it lasts. */
export const timeoutKey = (userId: string): Deno.KvKey => ["timeouts", userId];
/** When a member last posted in a slow-mode channel, while the window lasts. */
export const slowModeKey = (channelId: string, userId: string): Deno.KvKey => [
  "slow_mode",
  channelId,
  userId,
];
/** Prefix of every timeout. */
export const timeoutsPrefix: Deno.KvKey = familyPrefix("timeouts");
/** Prefix of every audit log entry. */
export const auditPrefix: Deno.KvKey = familyPrefix("audit");
/** What an audit log entry is found by besides time. */
export type AuditFacet = "action" | "actor" | "target";
/** Index row: audit entry `id` has `value` as its action, actor or target. */
export const auditFacetKey = (
  facet: AuditFacet,
  value: string,
  id: string,
): Deno.KvKey => ["audit_by", facet, value, id];
/** Prefix of the audit entries with one action, actor or target, ordered by id. */
export const auditFacetPrefix = (
  facet: AuditFacet,
  value: string,
): Deno.KvKey => ["audit_by", facet, value];
/** An open report, by its time-ordered id. */
export const reportKey = (id: string): Deno.KvKey => ["reports", id];
/** Prefix of every open report. */
export const reportsPrefix: Deno.KvKey = familyPrefix("reports");
/** The one open report of `reporterId` on message `seq` of `channelId`. */
export const openReportKey = (
  channelId: string,
  seq: number,
  reporterId: string,
): Deno.KvKey => ["reports_open", channelId, seq, reporterId];
/** The instance's settings changed through the API. */
export const instanceSettingsKey: Deno.KvKey = ["settings", "instance"];

// Auth.
/** The generated token signing key. */
export const signingKeyKey: Deno.KvKey = ["config", "jwt_key"];
/** A signed-out token, by its `jti`. */
export const revokedTokenKey = (jti: string): Deno.KvKey => [
  "revoked_tokens",
  jti,
];
/** One part of the bytes of an avatar version. */
export const avatarPartKey = (
  userId: string,
  version: number,
  part: number,
): Deno.KvKey => ["avatars", userId, version, part];
/** The prefix of an avatar version's parts (or, without a version, of all of a user's). */
export const avatarPrefix = (userId: string, version?: number): Deno.KvKey =>
  version === undefined ? ["avatars", userId] : ["avatars", userId, version];
/** A token signed for a user, so ending their other sessions can find it. */
export const userSessionKey = (userId: string, jti: string): Deno.KvKey => [
  "user_sessions",
  userId,
  jti,
];
/** The prefix of every recorded token of one user. */
export const userSessionsPrefix = (userId: string): Deno.KvKey => [
  "user_sessions",
  userId,
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

// Bots and webhooks.
/** A bot's record beside its account. */
export const botKey = (botId: string): Deno.KvKey => ["bots", botId];
/** Prefix of every bot's record. */
export const botsPrefix: Deno.KvKey = familyPrefix("bots");
/** An incoming webhook. */
export const webhookKey = (hookId: string): Deno.KvKey => ["webhooks", hookId];
/** Index row of a channel's incoming webhook. */
export const channelWebhookKey = (
  channelId: string,
  hookId: string,
): Deno.KvKey => ["channel_webhooks", channelId, hookId];
/** Prefix of a channel's incoming webhooks. */
export const channelWebhooksPrefix = (channelId: string): Deno.KvKey => [
  "channel_webhooks",
  channelId,
];
/** One delivery of a bot's outgoing webhook. */
export const deliveryKey = (botId: string, deliveryId: string): Deno.KvKey => [
  "bot_deliveries",
  botId,
  deliveryId,
];
/** Prefix of a bot's deliveries, oldest first. */
export const deliveriesPrefix = (botId: string): Deno.KvKey => [
  "bot_deliveries",
  botId,
];

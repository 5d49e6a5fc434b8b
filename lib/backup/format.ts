/**
 * The backup format, version 1: newline-delimited JSON, one record a line.
 *
 * ```
 * {"format":"hearth-backup","version":1,"exportedAt":"…","hearthVersion":"…"}
 * {"type":"signing_key","key":"<base64>"}
 * {"type":"user","user":{"id","username","displayName","createdAt","passwordHash"}}
 * {"type":"channel","channel":{"id","name","topic","private","ownerId","createdAt"},"lastSeq":12,"rev":15}
 * {"type":"member","channelId","userId","joinedAt"}
 * {"type":"read_marker","userId","channelId","seq"}
 * {"type":"message","message":{"id","channelId","seq","rev"?,"author","content","createdAt","editedAt"?,"deleted"?,"deletedBy"?,"clientId"?,"file","replyTo"?,"reactions"?,"mentions"?}}
 * {"type":"client_id","channelId","authorId","clientId","seq"}
 * {"type":"chunk","fileId","n","data":"<base64, at most 64 KiB>"}   (a file's chunks, in order …)
 * {"type":"file","file":{"id","name","size","type","sha256","channelId","uploaderId","createdAt"}}   (… then its metadata)
 * {"type":"file_dropped","fileId"}   (… or this, for a file deleted while it was being exported)
 * {"type":"invite","invite":{"code","channelId","createdBy","createdAt","maxUses","uses","expiresAt"}}
 * {"type":"friendship","userId","otherId","state":"friends"|"outgoing","since"}   (each once; "outgoing": userId asked)
 * {"type":"block","blockerId","blockedId","at"}
 * {"type":"revoked_token","jti","exp"}
 * {"type":"audit","entry":{"id","at","actorId","action","target","reason"?}}
 * {"type":"timeout","userId","timeout":{"until","by","reason"?}}   (only those still in force)
 * {"type":"report","report":{"id","createdAt","reporterId","reason","channelId","seq","authorId","excerpt"}}
 * {"type":"settings","settings":{"name"?,"registration"?}}
 * {"type":"notification_setting","userId","channelId","level":"all"|"mentions"|"none"|null,"muted"}
 * {"type":"avatar_part","userId","version","n","data":"<base64, at most 60,000 bytes>"}   (right after its user, in order)
 * {"type":"push_keys","keys":{"publicKey","privateJwk"}}   (the VAPID pair, before …)
 * {"type":"push_subscription","subscription":{"id","userId","endpoint","keys":{"p256dh","auth"},"createdAt"}}
 * {"type":"bot","bot":{"id","createdAt","createdBy","webhook":{"url","secret","channelIds"}|null,"deletedAt"?}}   (after its account's user line)
 * {"type":"webhook","webhook":{"id","channelId","name","secretHash","createdBy","createdAt"}}
 * {"type":"trailer","lines":N,"counts":{…},"sha256":"<hex>"}
 * ```
 *
 * The first line is the header; the last is the trailer, which holds the
 * number of lines before it, how many records of each kind there are and the
 * SHA-256 of every line before it (each with its "\n"), so a truncated or
 * altered file is refused. Stored records (`user`, `channel`, `message`,
 * `file`) are copied whole: fields this version does not know are kept.
 * Member counts, the name indexes, the per-user channel lists, the
 * message indexes (change log, replies, mentions), the audit log's indexes,
 * the one-open-report rows, the list of bans (a user record carries its
 * `ban`) and a channel's list of incoming webhooks are not stored: an import derives them from the rows above. A channel's `rev` (absent in backups
 * written before edits existed) is its change counter; messages without a
 * `rev` have their seq as theirs.
 */
import { z } from "zod";
import { CHUNK_SIZE } from "../files/store.ts";
import { count, id, seq, time } from "./_fields.ts";
import {
  auditRecordSchema,
  reportRecordSchema,
  settingsRecordSchema,
  timeoutRecordSchema,
} from "./_moderation_schemas.ts";
import { AVATAR_PART_BYTES } from "../db/avatars.ts";
import { NOTIFICATION_LEVELS } from "../shared/notifications.ts";
import { MAX_HOOK_CHANNELS, MAX_URL_LENGTH } from "../shared/integrations.ts";

/** The header's `format`. */
export const BACKUP_FORMAT = "hearth-backup";
/** The format version this code writes and reads. */
export const BACKUP_VERSION = 1;

/** How many records of each kind a backup holds. */
export interface BackupCounts {
  users: number;
  channels: number;
  members: number;
  readMarkers: number;
  messages: number;
  clientIds: number;
  files: number;
  chunks: number;
  droppedFiles: number;
  revokedTokens: number;
  signingKeys: number;
  invites: number;
  friendships: number;
  blocks: number;
  audits: number;
  timeouts: number;
  reports: number;
  settings: number;
  notificationSettings: number;
  avatarParts: number;
  pushKeys: number;
  pushSubscriptions: number;
  bots: number;
  webhooks: number;
}

/** All-zero counts. */
export function emptyCounts(): BackupCounts {
  return {
    users: 0,
    channels: 0,
    members: 0,
    readMarkers: 0,
    messages: 0,
    clientIds: 0,
    files: 0,
    chunks: 0,
    droppedFiles: 0,
    revokedTokens: 0,
    signingKeys: 0,
    invites: 0,
    friendships: 0,
    blocks: 0,
    audits: 0,
    timeouts: 0,
    reports: 0,
    settings: 0,
    notificationSettings: 0,
    avatarParts: 0,
    pushKeys: 0,
    pushSubscriptions: 0,
    bots: 0,
    webhooks: 0,
  };
}

/** A backup that cannot be written or read; `line` is 1-based when known. */
export class BackupError extends Error {
  readonly line?: number;

  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "BackupError";
    this.line = line;
  }
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, {
  error: "must be 64 lower-case hex digits",
});
const base64 = (maxBytes: number) =>
  z.base64().max(Math.ceil(maxBytes / 3) * 4, {
    error: `must encode at most ${maxBytes} bytes`,
  });

/** A stored user, password hash included. */
export const userRecordSchema = z.looseObject({
  id,
  username: z.string().min(1).max(64),
  displayName: z.string().max(256),
  createdAt: time,
  passwordHash: z.string().min(1).max(256),
});

/** A stored channel (its counts live elsewhere). */
export const channelRecordSchema = z.looseObject({
  id,
  name: z.string().min(1).max(200),
  topic: z.string().max(2000),
  private: z.boolean(),
  ownerId: id,
  createdAt: time,
});

/** A stored message, its fields in the order the data layer writes them. */
export const messageRecordSchema = z.looseObject({
  id,
  channelId: id,
  seq,
  rev: seq.optional(),
  author: z.looseObject({
    id,
    username: z.string().min(1).max(64),
    displayName: z.string().max(256),
  }),
  content: z.string().max(64 * 1024),
  createdAt: time,
  editedAt: time.optional(),
  deleted: z.literal(true).optional(),
  deletedBy: z.literal("moderator").optional(),
  clientId: z.string().min(1).max(64).optional(),
  file: z.looseObject({
    id,
    name: z.string().max(1024),
    size: count,
    type: z.string().max(256),
  }).nullable(),
  replyTo: z.looseObject({
    seq,
    author: z.looseObject({ id }),
    excerpt: z.string().max(1024),
  }).optional(),
  reactions: z.array(z.looseObject({
    emoji: z.string().min(1).max(64),
    userIds: z.array(id).min(1),
  })).max(64).optional(),
  mentions: z.array(id).max(64).optional(),
});

/** A committed file's metadata. */
export const fileMetaSchema = z.looseObject({
  id,
  name: z.string().max(1024),
  size: count,
  type: z.string().max(256),
  sha256: hex64,
  channelId: id,
  uploaderId: id,
  createdAt: time,
});

/** A stored invite link. */
export const inviteRecordSchema = z.looseObject({
  code: z.string().min(1).max(64),
  channelId: id.nullable(),
  createdBy: id,
  createdAt: time,
  maxUses: z.int().min(1).nullable(),
  uses: count,
  expiresAt: time.nullable(),
});

/** The VAPID key pair: the public key as browsers take it, the private one as a P-256 JWK. */
export const pushKeysSchema = z.strictObject({
  publicKey: z.string().min(1).max(200),
  privateJwk: z.looseObject({
    // In the order WebCrypto exports them, so a restored pair exports alike.
    kty: z.literal("EC"),
    alg: z.literal("ES256").optional(),
    crv: z.literal("P-256"),
    d: z.string().min(1).max(200),
    x: z.string().min(1).max(200),
    y: z.string().min(1).max(200),
  }),
});

/** A browser's stored push subscription. */
export const pushSubscriptionSchema = z.looseObject({
  id,
  userId: id,
  endpoint: z.url().max(2048),
  keys: z.looseObject({
    p256dh: z.string().min(1).max(200),
    auth: z.string().min(1).max(200),
  }),
  createdAt: time,
});

/** What Hearth keeps of a bot beside its account: its maker and outgoing webhook. */
export const botRecordSchema = z.looseObject({
  id,
  createdAt: time,
  createdBy: id,
  webhook: z.looseObject({
    url: z.url({ protocol: /^https?$/ }).max(MAX_URL_LENGTH),
    secret: z.string().min(1).max(256),
    channelIds: z.array(id).max(MAX_HOOK_CHANNELS),
  }).nullable(),
  deletedAt: time.optional(),
});

/** An incoming webhook, its secret hashed. */
export const webhookRecordSchema = z.looseObject({
  id,
  channelId: id,
  name: z.string().min(1).max(256),
  secretHash: z.string().min(1).max(256),
  createdBy: id,
  createdAt: time,
});

/** The counts in a trailer. */
export const countsSchema = z.strictObject({
  users: count,
  channels: count,
  members: count,
  readMarkers: count,
  messages: count,
  clientIds: count,
  files: count,
  chunks: count,
  droppedFiles: count,
  revokedTokens: count,
  signingKeys: count,
  // Backups written before invites (or moderation) existed have none.
  invites: count.default(0),
  // Nor friends and blocks, before those existed.
  friendships: count.default(0),
  blocks: count.default(0),
  audits: count.default(0),
  timeouts: count.default(0),
  reports: count.default(0),
  settings: count.default(0),
  // Nor these, written before notification settings, avatars and push keys were.
  notificationSettings: count.default(0),
  avatarParts: count.default(0),
  pushKeys: count.default(0),
  pushSubscriptions: count.default(0),
  // Nor bots' records and incoming webhooks, left out before.
  bots: count.default(0),
  webhooks: count.default(0),
});

/** The first line. Unknown fields are allowed, so later writers may add some. */
export const headerSchema = z.looseObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  exportedAt: time,
  hearthVersion: z.string().max(64).optional(),
});

/** Every line after the header. */
export const recordSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("signing_key"), key: base64(1024) }),
  z.strictObject({ type: z.literal("user"), user: userRecordSchema }),
  z.strictObject({
    type: z.literal("channel"),
    channel: channelRecordSchema,
    lastSeq: count,
    rev: count.optional(),
  }),
  z.strictObject({
    type: z.literal("member"),
    channelId: id,
    userId: id,
    joinedAt: time,
  }),
  z.strictObject({
    type: z.literal("read_marker"),
    userId: id,
    channelId: id,
    seq,
  }),
  z.strictObject({ type: z.literal("message"), message: messageRecordSchema }),
  z.strictObject({
    type: z.literal("client_id"),
    channelId: id,
    authorId: id,
    clientId: z.string().min(1).max(64),
    seq,
  }),
  z.strictObject({
    type: z.literal("chunk"),
    fileId: id,
    n: count,
    data: base64(CHUNK_SIZE),
  }),
  z.strictObject({ type: z.literal("file"), file: fileMetaSchema }),
  z.strictObject({ type: z.literal("file_dropped"), fileId: id }),
  z.strictObject({ type: z.literal("invite"), invite: inviteRecordSchema }),
  z.strictObject({
    type: z.literal("friendship"),
    userId: id,
    otherId: id,
    state: z.enum(["friends", "outgoing"]),
    since: time,
  }),
  z.strictObject({
    type: z.literal("block"),
    blockerId: id,
    blockedId: id,
    at: time,
  }),
  z.strictObject({ type: z.literal("revoked_token"), jti: id, exp: count }),
  z.strictObject({ type: z.literal("audit"), entry: auditRecordSchema }),
  z.strictObject({
    type: z.literal("timeout"),
    userId: id,
    timeout: timeoutRecordSchema,
  }),
  z.strictObject({ type: z.literal("report"), report: reportRecordSchema }),
  z.strictObject({
    type: z.literal("settings"),
    settings: settingsRecordSchema,
  }),
  z.strictObject({
    type: z.literal("notification_setting"),
    userId: id,
    channelId: id,
    level: z.enum(NOTIFICATION_LEVELS).nullable(),
    muted: z.boolean(),
  }),
  z.strictObject({
    type: z.literal("avatar_part"),
    userId: id,
    version: seq,
    n: count,
    data: base64(AVATAR_PART_BYTES),
  }),
  z.strictObject({ type: z.literal("push_keys"), keys: pushKeysSchema }),
  z.strictObject({
    type: z.literal("push_subscription"),
    subscription: pushSubscriptionSchema,
  }),
  z.strictObject({ type: z.literal("bot"), bot: botRecordSchema }),
  z.strictObject({ type: z.literal("webhook"), webhook: webhookRecordSchema }),
  z.strictObject({
    type: z.literal("trailer"),
    lines: count,
    counts: countsSchema,
    sha256: hex64,
  }),
]);

/** The header line, parsed. */
export type BackupHeader = z.output<typeof headerSchema>;
/** Any line after the header, parsed. */
export type BackupRecord = z.output<typeof recordSchema>;
/** One kind of record, by its `type`. */
export type RecordOf<T extends BackupRecord["type"]> = Extract<
  BackupRecord,
  { type: T }
>;

const RECORD_TYPES: ReadonlySet<string> = new Set(
  recordSchema.options.map((option) => option.shape.type.value),
);

/** Validates one parsed line after the header, or throws a BackupError naming the line. */
export function parseRecord(value: unknown, line: number): BackupRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BackupError("expected a JSON object", line);
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !RECORD_TYPES.has(type)) {
    throw new BackupError(
      `unknown record type ${JSON.stringify(type ?? null)}`,
      line,
    );
  }
  const result = recordSchema.safeParse(value);
  if (result.success) return result.data;
  throw new BackupError(`${type} record: ${describeIssue(result.error)}`, line);
}

/** Validates the header line, with a clear word for other files and other versions. */
export function parseHeader(value: unknown): BackupHeader {
  const fields = typeof value === "object" && value !== null
    ? value as Record<string, unknown>
    : {};
  if (fields.format !== BACKUP_FORMAT) {
    throw new BackupError(
      `not a Hearth backup: the first line has no "format": "${BACKUP_FORMAT}"`,
      1,
    );
  }
  if (typeof fields.version === "number" && fields.version > BACKUP_VERSION) {
    throw new BackupError(
      `the backup has format version ${fields.version}, newer than this Hearth reads (${BACKUP_VERSION}); import it with a newer Hearth`,
      1,
    );
  }
  const result = headerSchema.safeParse(value);
  if (result.success) return result.data;
  throw new BackupError(`header: ${describeIssue(result.error)}`, 1);
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}

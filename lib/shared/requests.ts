/**
 * The bodies and queries of Hearth's HTTP API, composed from the field schemas.
 * Unknown keys are stripped, not refused, so older servers accept newer clients.
 */
import { z } from "zod";
import {
  captionSchema,
  channelIdSchema,
  channelNameSchema,
  clientIdSchema,
  contentSchema,
  deleteMessagesSecondsSchema,
  displayNameSchema,
  emojiSchema,
  expiresInSecondsSchema,
  inviteCodeSchema,
  loginPasswordSchema,
  maxUsesSchema,
  messageSeqSchema,
  mutedFlagSchema,
  newPasswordSchema,
  notificationLevelSchema,
  pageLimitSchema,
  pathSeqSchema,
  postPolicySchema,
  privateFlagSchema,
  querySeqSchema,
  reasonSchema,
  seqSchema,
  slowModeSecondsSchema,
  statusSchema,
  timeoutSecondsSchema,
  topicSchema,
  usernameSchema,
} from "./fields.ts";
import {
  MAX_SEARCH_LENGTH,
  MAX_SEARCH_PAGE,
  MIN_SEARCH_LENGTH,
  searchText,
} from "./search_text.ts";
import {
  CONTENT_CONTROL_CHARS,
  MAX_USERNAME_LENGTH,
  USERNAME_CHARS,
} from "./limits.ts";

const bodyError = { error: "Request body must be a JSON object" };

/** The body of `POST /auth/register`. */
export const registerBody = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  displayName: displayNameSchema.optional(),
  invite: inviteCodeSchema.optional(),
}, bodyError);

/** The body of `POST /auth/login`, JSON or form-encoded; extra form fields are dropped. */
export const loginBody = z.object({
  username: usernameSchema,
  password: loginPasswordSchema,
}, bodyError);

/** The body of `PATCH /me`. */
export const profileBody = z.object({
  displayName: displayNameSchema.optional(),
  status: statusSchema.optional(),
}, bodyError).refine(
  (body) => body.displayName !== undefined || body.status !== undefined,
  "Send a displayName, a status, or both",
);

/** The type of a `PATCH /me` body. */
export type ProfileBody = z.output<typeof profileBody>;

/** The body of `POST /me/password`. */
export const passwordChangeBody = z.object({
  currentPassword: loginPasswordSchema,
  newPassword: newPasswordSchema,
}, bodyError);

/** The type of a `POST /me/password` body. */
export type PasswordChangeBody = z.output<typeof passwordChangeBody>;

/** The body of `POST /channels`. */
export const createChannelBody = z.object({
  name: channelNameSchema,
  topic: topicSchema.optional(),
  private: privateFlagSchema.optional(),
}, bodyError);

/** The query of `GET /channels`. */
export const listChannelsQuery = z.object({
  scope: z.enum(["mine", "all"], { error: 'scope must be "mine" or "all"' })
    .optional(),
});

/** The body of `PATCH /channels/{id}`: a new name, topic, slow mode or post policy (at least one). */
export const changeChannelBody = z.object({
  name: channelNameSchema.optional(),
  topic: topicSchema.optional(),
  slowModeSeconds: slowModeSecondsSchema.optional(),
  postPolicy: postPolicySchema.optional(),
}, bodyError).refine(
  (body) => Object.values(body).some((value) => value !== undefined),
  "Send a name, a topic, slowModeSeconds or postPolicy",
);

/** The query of `GET /channels/{id}/candidates`: the start of a username. */
export const candidatesQuery = z.object({
  q: z.string({ error: "q is required" }).max(32, "q is too long"),
});

/** The body of `POST /channels/{id}/members`. */
export const addMemberBody = z.object({ username: usernameSchema }, bodyError);

/** The body of `POST /invites`: every field may be left out (or null). */
export const createInviteBody = z.object({
  channelId: channelIdSchema.nullish(),
  maxUses: maxUsesSchema.nullish(),
  expiresInSeconds: expiresInSecondsSchema.nullish(),
}, bodyError);

/** The body of `POST /dms`: the usernames of 1 to 9 other people. */
export const openDmBody = z.object({
  usernames: z.array(usernameSchema, {
    error: "usernames must be a list of usernames",
  })
    .min(1, "usernames must name at least one person")
    .max(9, "usernames may name at most 9 people"),
}, bodyError);

/** The body of `POST /friends`: whom to ask. */
export const friendRequestBody = z.object(
  { username: usernameSchema },
  bodyError,
);

/** The body of `POST /channels/{id}/read`. */
export const readMarkerBody = z.object({ seq: seqSchema }, bodyError);

/** The body of `PUT /channels/{id}/notifications`: a level, mute, or both. */
export const notificationsBody = z.object({
  level: notificationLevelSchema.optional(),
  muted: mutedFlagSchema.optional(),
}, bodyError).refine(
  (body) => body.level !== undefined || body.muted !== undefined,
  "Send level, muted or both",
);

// A P-256 public key (65 bytes) and an auth secret (16 bytes), base64url.
const base64url = (label: string, length: number) =>
  z.string({ error: `${label} must be a string` }).regex(
    new RegExp(`^[A-Za-z0-9_-]{${length}}={0,2}$`),
    `${label} must be ${length} base64url characters`,
  );

/** The endpoint of a push subscription: an absolute http(s) URL (where it may point is checked when sending). */
const pushEndpoint = z.string({ error: "endpoint must be a string" })
  .max(2048, "endpoint must be at most 2048 characters")
  .refine((value) => {
    try {
      return ["https:", "http:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "endpoint must be an https URL");

/** The body of `POST /push/subscriptions`: what `PushSubscription.toJSON()` gives. */
export const pushSubscriptionBody = z.object({
  endpoint: pushEndpoint,
  keys: z.object({
    p256dh: base64url("keys.p256dh", 87),
    auth: base64url("keys.auth", 22),
  }, { error: "keys must be an object with p256dh and auth" }),
}, bodyError);

/** The body of `DELETE /push/subscriptions`. */
export const pushUnsubscribeBody = z.object(
  { endpoint: pushEndpoint },
  bodyError,
);

/** The body of `POST /channels/{id}/messages`. */
export const postMessageBody = z.object({
  content: contentSchema,
  clientId: clientIdSchema.optional(),
  replyTo: messageSeqSchema.optional(),
}, bodyError);

/**
 * The body of `PATCH /channels/{id}/messages/{seq}`. The content is checked
 * against the message's own rule where it is stored (a file's caption may
 * be emptied), so here it need only be a string.
 */
export const editMessageBody = z.object({
  content: z.string({ error: "content must be a string" }),
}, bodyError);

/** The `{seq}` of a message's path. */
export const messagePath = z.object({ seq: pathSeqSchema });

/** The `{seq}` and `{emoji}` of a reaction's path (the emoji URL-decoded). */
export const reactionPath = z.object({
  seq: pathSeqSchema,
  emoji: emojiSchema,
});

/** The query of `GET /channels/{id}/changes`: changes after rev `since`, `limit` at a time. */
export const changesQuery = z.object({
  since: querySeqSchema("since"),
  limit: pageLimitSchema.optional(),
});

/** The body of `PATCH /users/{id}`: a new instance role (`owner` hands the ownership on). */
export const roleBody = z.object({
  role: z.enum(["owner", "admin", "moderator", "member"], {
    error: 'role must be "owner", "admin", "moderator" or "member"',
  }),
}, bodyError);

/** The query of `GET /users`: the start of a username (all, when empty), and a page size. */
export const usersQuery = z.object({
  q: z.string().max(32, "q is too long").optional(),
  limit: pageLimitSchema.optional(),
});

/** The opaque `nextCursor` of a page of members: base64url of the last username listed. */
export function formatMemberCursor(username: string): string {
  return btoa(username).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

/** The username a member cursor stands after, or null when it is not one. */
export function parseMemberCursor(cursor: string): string | null {
  try {
    const name = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    return name.length <= MAX_USERNAME_LENGTH && USERNAME_CHARS.test(name)
      ? name
      : null;
  } catch {
    return null;
  }
}

/**
 * The query of `GET /channels/{id}/members`: the page after `cursor` (a
 * `nextCursor`), `limit` at a time, only those online (`online=true`) or
 * offline (`online=false`), only those whose username or display name starts
 * with `q`.
 */
export const membersQuery = z.object({
  cursor: z.string().max(64, "cursor must be a nextCursor").transform(
    (cursor, ctx) => {
      const after = parseMemberCursor(cursor);
      if (after !== null) return after;
      ctx.issues.push({
        code: "custom",
        message: "cursor must be a nextCursor",
        input: cursor,
      });
      return z.NEVER;
    },
  ).optional(),
  limit: pageLimitSchema.optional(),
  online: z.enum(["true", "false"], {
    error: 'online must be "true" or "false"',
  }).optional(),
  q: z.string().max(MAX_USERNAME_LENGTH, "q is too long").optional(),
});

/** The body of `PUT /timeouts/{userId}`. */
export const timeoutBody = z.object({
  seconds: timeoutSecondsSchema,
  reason: reasonSchema.optional(),
}, bodyError);

/** The body of `PUT /bans/{userId}` (may be empty). */
export const banBody = z.object({
  reason: reasonSchema.optional(),
  deleteMessagesSeconds: deleteMessagesSecondsSchema.optional(),
}, bodyError);

/** The query of `GET /audit`: entries older than the entry `before`, `limit` at a time, optionally of one action, actor or target. */
export const auditQuery = z.object({
  before: z.string().max(64, "before is too long").optional(),
  limit: pageLimitSchema.optional(),
  action: z.string().max(64, "action is too long").optional(),
  actorId: z.string().max(64, "actorId is too long").optional(),
  targetId: z.string().max(200, "targetId is too long").optional(),
});

/** The query of `GET /mentions`. */
export const mentionsQuery = z.object({
  limit: pageLimitSchema.optional(),
});

/** Where a search page ends: the last result's time, channel and seq (`next`). */
export interface SearchCursor {
  createdAt: string;
  channelId: string;
  seq: number;
}

const SEARCH_CURSOR =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)~([\w-]{1,64})~(\d{1,15})$/;

/** The text of a search cursor, as `next` gives it out. */
export function formatSearchCursor(cursor: SearchCursor): string {
  return `${cursor.createdAt}~${cursor.channelId}~${cursor.seq}`;
}

/**
 * The query of `GET /search`: `q` of 2 to 200 characters once normalized,
 * without control characters, `from` a username, `has` only `file`, `before` a `next` cursor, `limit`
 * 1 to 50 (default 20).
 */
export const searchQuery = z.object({
  q: z.string({ error: "q is required" })
    .transform(searchText)
    .refine(
      (q) => Array.from(q).length >= MIN_SEARCH_LENGTH,
      `q must have at least ${MIN_SEARCH_LENGTH} characters`,
    )
    .refine(
      (q) => Array.from(q).length <= MAX_SEARCH_LENGTH,
      `q must have at most ${MAX_SEARCH_LENGTH} characters`,
    )
    // No message holds them (content refuses them), and FTS5 reads a NUL as
    // the end of its query.
    .refine(
      (q) => !CONTENT_CONTROL_CHARS.test(q),
      "q must not contain control characters",
    ),
  channelId: z.string().max(64, "channelId is too long").optional(),
  from: usernameSchema.optional(),
  has: z.literal("file", { error: 'has must be "file"' }).optional(),
  before: z.string().regex(SEARCH_CURSOR, "before must be a next cursor")
    .transform((text): SearchCursor => {
      const [, createdAt, channelId, seq] = text.match(SEARCH_CURSOR)!;
      return { createdAt, channelId, seq: Number(seq) };
    }).optional(),
  limit: querySeqSchema("limit")
    .refine((n) => n >= 1, "limit must be at least 1")
    .transform((n) => Math.min(n, MAX_SEARCH_PAGE)).optional(),
});

/** The text fields of `POST /channels/{id}/files` (multipart). */
export const uploadFields = z.object({
  content: captionSchema,
  clientId: clientIdSchema.optional(),
});

/**
 * The query of `GET /channels/{id}/messages`: `before` and `after` are
 * exclusive seqs; `limit` is 1 to 200 and defaults to 50.
 */
export const listMessagesQuery = z.object({
  before: querySeqSchema("before").optional(),
  after: querySeqSchema("after").optional(),
  limit: pageLimitSchema.optional(),
});

/** The query of the socket upgrade `GET /ws/channels/{id}`. */
export const socketQuery = z.object({
  token: z.string().optional(),
  after: querySeqSchema("after").optional(),
  rev: querySeqSchema("rev").optional(),
});

/** A parsed register body. */
export type RegisterBody = z.infer<typeof registerBody>;
/** A parsed login body. */
export type LoginBody = z.infer<typeof loginBody>;
/** A parsed `POST /channels` body. */
export type CreateChannelBody = z.infer<typeof createChannelBody>;
/** A parsed `POST /invites` body. */
export type CreateInviteBody = z.infer<typeof createInviteBody>;
/** A parsed `PUT /channels/{id}/notifications` body. */
export type NotificationsBody = z.infer<typeof notificationsBody>;
/** A parsed `POST /push/subscriptions` body. */
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBody>;
/** A parsed history query. */
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;

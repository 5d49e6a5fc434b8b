/**
 * The bodies and queries of Hearth's HTTP API, composed from the field schemas.
 * Unknown keys are stripped, not refused, so older servers accept newer clients.
 */
import { z } from "zod";
import {
  captionSchema,
  channelNameSchema,
  clientIdSchema,
  contentSchema,
  displayNameSchema,
  emojiSchema,
  loginPasswordSchema,
  messageSeqSchema,
  mutedFlagSchema,
  newPasswordSchema,
  notificationLevelSchema,
  pageLimitSchema,
  pathSeqSchema,
  privateFlagSchema,
  querySeqSchema,
  seqSchema,
  topicSchema,
  usernameSchema,
} from "./fields.ts";

const bodyError = { error: "Request body must be a JSON object" };

/** The body of `POST /auth/register`. */
export const registerBody = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  displayName: displayNameSchema.optional(),
}, bodyError);

/** The body of `POST /auth/login`, JSON or form-encoded; extra form fields are dropped. */
export const loginBody = z.object({
  username: usernameSchema,
  password: loginPasswordSchema,
}, bodyError);

/** The body of `PATCH /me`. */
export const profileBody = z.object({
  displayName: displayNameSchema,
}, bodyError);

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

/** The body of `POST /channels/{id}/members`. */
export const addMemberBody = z.object({ username: usernameSchema }, bodyError);

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

/** The query of `GET /mentions`. */
export const mentionsQuery = z.object({
  limit: pageLimitSchema.optional(),
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
/** A parsed `PUT /channels/{id}/notifications` body. */
export type NotificationsBody = z.infer<typeof notificationsBody>;
/** A parsed `POST /push/subscriptions` body. */
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBody>;
/** A parsed history query. */
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;

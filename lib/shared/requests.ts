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
  displayNameSchema,
  emojiSchema,
  expiresInSecondsSchema,
  inviteCodeSchema,
  loginPasswordSchema,
  maxUsesSchema,
  messageSeqSchema,
  newPasswordSchema,
  pageLimitSchema,
  pathSeqSchema,
  privateFlagSchema,
  querySeqSchema,
  seqSchema,
  statusSchema,
  topicSchema,
  usernameSchema,
} from "./fields.ts";

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

/** The body of `PATCH /channels/{id}`: a new name, a new topic, or both. */
export const changeChannelBody = z.object({
  name: channelNameSchema.optional(),
  topic: topicSchema.optional(),
}, bodyError).refine(
  (body) => body.name !== undefined || body.topic !== undefined,
  "Send a name, a topic, or both",
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

/** The body of `POST /channels/{id}/read`. */
export const readMarkerBody = z.object({ seq: seqSchema }, bodyError);

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
/** A parsed `POST /invites` body. */
export type CreateInviteBody = z.infer<typeof createInviteBody>;
/** A parsed history query. */
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;

/**
 * The schemas of the HTTP answers that are not messages: users, channels,
 * moderation records, sign-in, errors. `/openapi.json` documents the API with
 * them and a test holds the server's own types to them (types_match_test.ts
 * in lib/openapi), so the document cannot drift from what is sent.
 */
import { z } from "zod";
import { POST_POLICIES } from "./limits.ts";
import { NOTIFICATION_LEVELS } from "./notifications.ts";
import { ROLES } from "./roles.ts";

/** A user as the API shows it; no response ever carries a password or its hash. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
  role: z.enum(ROLES),
  status: z.string().describe("A line under the name; empty when unset"),
  avatarUrl: z.string().nullable().describe(
    "/avatars/{id}/{version}, or null without an avatar",
  ),
  bot: z.literal(true).optional().describe(
    "A bot account: it acts through an API token, never a password",
  ),
}).meta({ id: "User", description: "A user as the API shows it" });

/** A channel member as `GET /channels/{id}/members` lists them. */
export const memberViewSchema = userSchema.extend({
  online: z.boolean().describe("Has a socket open"),
}).meta({
  id: "MemberView",
  description: "A user and whether they are online",
});

/** A page of a channel's members, by username. */
export const memberPageSchema = z.object({
  members: z.array(memberViewSchema),
  nextCursor: z.string().nullable().describe(
    "Pass as cursor for the next page; null on the last",
  ),
  memberCount: z.number().int().describe("Members of the channel"),
  onlineCount: z.number().int().describe("Members online on this server"),
}).meta({ id: "MemberPage", description: "A page of members" });

/** A member's notification choice for one channel. */
export const notificationSettingSchema = z.object({
  notifications: z.enum(NOTIFICATION_LEVELS),
  muted: z.boolean(),
}).meta({
  id: "NotificationSetting",
  description: "What a channel notifies me of, and whether it is muted",
});

/** A channel as the API shows it to one user. */
export const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  topic: z.string(),
  private: z.boolean(),
  ownerId: z.string(),
  createdAt: z.string(),
  kind: z.enum(["channel", "dm"]),
  peopleIds: z.array(z.string()).optional().describe("A DM's people, by id"),
  memberCount: z.number().int(),
  lastSeq: z.number().int().describe("The newest message's seq; 0 when empty"),
  rev: z.number().int().describe("The channel's change counter"),
  unread: z.number().int(),
  mentions: z.number().int().describe("Unread messages that mention me"),
  notifications: z.enum(NOTIFICATION_LEVELS),
  muted: z.boolean(),
  joined: z.boolean().optional().describe("Whether I am a member"),
  people: z.array(z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable().describe("null without an avatar"),
  })).optional().describe("A DM's people, me included; DMs only"),
  slowModeSeconds: z.number().int().describe(
    "Seconds a member waits between messages (0: off)",
  ),
  postPolicy: z.enum(POST_POLICIES).describe(
    '"moderators": read-only for members',
  ),
}).meta({ id: "Channel", description: "A channel as one user sees it" });

/** The answer to `POST /auth/login`. */
export const signInSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int().describe("Seconds the token stays valid"),
  user: userSchema,
  mustChangePassword: z.boolean(),
}).meta({ id: "SignIn", description: "A bearer token and its user" });

/** A ban as `GET /bans` lists it. */
export const banSchema = z.object({
  user: z.object({ id: z.string(), username: z.string() }),
  at: z.string(),
  by: z.string(),
  reason: z.string().optional(),
}).meta({ id: "Ban", description: "A ban in force" });

/** What `PUT /bans/{userId}` answers: the ban, and how many messages it deleted. */
export const banResultSchema = banSchema.extend({
  deletedMessages: z.number().int().optional().describe(
    "With deleteMessagesSeconds: how many of their messages became tombstones",
  ),
}).meta({ id: "BanResult", description: "The ban just stored" });

/** A timeout as `PUT /timeouts/{userId}` answers it. */
export const timeoutSchema = z.object({
  userId: z.string(),
  until: z.string().describe("When it ends (ISO 8601)"),
  by: z.string(),
  reason: z.string().optional(),
}).meta({ id: "Timeout", description: "A running timeout" });

/** One audit log entry as `GET /audit` shows it. */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string(), username: z.string().nullable() }),
  action: z.string(),
  target: z.string(),
  reason: z.string().optional(),
}).meta({ id: "AuditEntry", description: "One audit log entry" });

/** A person in a friends list: the user, whether they are online, since when. */
export const friendViewSchema = userSchema.extend({
  online: z.boolean(),
  since: z.string().describe("When the friendship or request began"),
}).meta({ id: "Friend", description: "A person in a friends list" });

/** What `GET /friends` answers. */
export const friendListsSchema = z.object({
  friends: z.array(friendViewSchema).describe(
    "Online ones first, then by display name",
  ),
  incoming: z.array(friendViewSchema).describe("Requests waiting for me"),
  outgoing: z.array(friendViewSchema).describe("My requests waiting"),
}).meta({ id: "FriendLists", description: "My friends and requests" });

/** What `POST /friends` answers: the state it left, and whom I asked. */
export const friendRequestResultSchema = z.object({
  state: z.enum(["friends", "outgoing"]),
  user: userSchema,
}).meta({ id: "FriendRequestResult", description: "A request made" });

/** What `PUT /friends/{userId}` answers. */
export const friendAcceptedSchema = z.object({ state: z.literal("friends") })
  .meta({ id: "FriendAccepted", description: "Friends now" });

/** A blocked person as `GET /blocks` lists them. */
export const blockedViewSchema = userSchema.extend({
  blockedAt: z.string().describe("When I blocked them"),
}).meta({ id: "Blocked", description: "Someone I blocked" });

/** The answer to `GET /push/key`: the VAPID public key, base64url. */
export const pushKeySchema = z.object({ publicKey: z.string() }).meta({
  id: "PushKey",
  description: "The VAPID public key for PushManager.subscribe",
});

/** The answer to `GET /healthz`. */
export const healthSchema = z.object({
  ok: z.literal(true),
  worker: z.number().int().min(0).optional().meta({
    description:
      "With --workers above 1: which serving worker answered (from 0)",
  }),
  workers: z.number().int().min(2).optional().meta({
    description: "With --workers above 1: how many serving workers run",
  }),
  sockets: z.number().int().min(0).optional().meta({
    description: "With --workers above 1: WebSockets this worker holds",
  }),
}).meta({
  id: "Health",
  description: "The database is open",
});

/**
 * Every error's body: a sentence for people and a code for programs; a
 * timeout's refusal adds `until`.
 */
export const errorBodySchema = z.object({
  detail: z.string(),
  code: z.string(),
  until: z.string().optional().describe("With timed_out: when it ends"),
}).meta({ id: "Error", description: "An error: {detail, code}" });

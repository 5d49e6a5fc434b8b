/**
 * The schemas of what Hearth sends: messages and the things around them. The
 * types in `wire.ts` are inferred from these, and `/openapi.json` is generated
 * from them, so the server, the browser and the document share one source.
 * Browser code imports only the types (`import type`), so zod stays out of the
 * islands' bundle. Each schema's `id` names it in the document.
 */
import { z } from "zod";
import { POST_POLICIES } from "./limits.ts";
import { ROLES } from "./roles.ts";

/** A file attached to a message; `url` is where members download it. */
export const fileRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  type: z.string(),
  url: z.string(),
  width: z.number().int().optional().describe(
    "Pixel width of an image shown inline, when its header gave one (upright)",
  ),
  height: z.number().int().optional(),
  thumbnailUrl: z.string().optional().describe(
    "The image's thumbnail (at most 720 x 480, members only); absent when none could be made",
  ),
}).meta({ id: "FileRef", description: "A file attached to a message" });

/** The public face of a message's author, copied into the message when it is stored. */
export const authorSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  bot: z.literal(true).optional().describe(
    "A bot account or an incoming webhook wrote it (the chat shows a badge)",
  ),
  webhook: z.literal(true).optional().describe(
    "An incoming webhook posted it: id is the webhook's, the names are the ones it gave",
  ),
  hookAvatarUrl: z.string().optional().describe(
    "The avatar an incoming webhook's post named (an https URL)",
  ),
}).meta({ id: "Author", description: "Who wrote a message" });

/** One emoji's reactions on a message: who reacted, in the order they did. */
export const reactionSchema = z.object({
  emoji: z.string(),
  count: z.number().int(),
  userIds: z.array(z.string()),
}).meta({ id: "Reaction", description: "One emoji's reactions on a message" });

/** The message a reply answers, as the reply shows it. */
export const replyRefSchema = z.object({
  seq: z.number().int(),
  author: authorSchema,
  excerpt: z.string().describe(
    'Up to 100 characters of the original; "" once it is deleted',
  ),
}).meta({ id: "ReplyRef", description: "The message a reply answers" });

/**
 * A stored chat message; `seq` counts up from 1 per channel with no gaps, and
 * `rev` is the channel's change counter at this message's latest change. A
 * deleted message stays at its seq as a tombstone.
 */
export const messageSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  seq: z.number().int(),
  rev: z.number().int(),
  author: authorSchema,
  content: z.string(),
  createdAt: z.string(),
  editedAt: z.string().optional().describe(
    "When the content was last edited; absent if never",
  ),
  deleted: z.literal(true).optional().describe(
    "A tombstone: empty content, no file, no reactions",
  ),
  deletedBy: z.literal("moderator").optional().describe(
    "On a tombstone: someone other than its author deleted it",
  ),
  clientId: z.string().optional(),
  file: fileRefSchema.nullable(),
  replyTo: replyRefSchema.optional(),
  reactions: z.array(reactionSchema).describe(
    "In the order each emoji was first used",
  ),
  mentions: z.array(z.string()).describe(
    "Ids of the channel members the content @-mentions",
  ),
}).meta({
  id: "Message",
  description:
    "A chat message; seq counts up from 1 per channel, rev is the channel's change counter at its latest change",
});

/** An invite link as its creator (and the instance owner) sees it. */
export const inviteSchema = z.object({
  code: z.string(),
  url: z.string().describe("Where a person opens it: {origin}/invite/{code}"),
  channelId: z.string().nullable().describe(
    "The channel it brings people into; null for the instance only",
  ),
  maxUses: z.number().int().nullable().describe("null for no limit"),
  uses: z.number().int(),
  expiresAt: z.string().nullable().describe("null for never"),
  createdBy: z.string(),
  createdAt: z.string(),
}).meta({ id: "Invite", description: "An invite link" });

/** What anyone holding an invite code may learn of it. */
export const invitePreviewSchema = z.object({
  code: z.string(),
  channel: z.object({ id: z.string(), name: z.string() }).nullable(),
  inviter: z.object({ displayName: z.string() }),
  expiresAt: z.string().nullable(),
  valid: z.boolean(),
}).meta({
  id: "InvitePreview",
  description: "What anyone holding an invite code may learn of it",
});

/** One hit of `GET /search`: the message and the channel it is in. */
export const searchResultSchema = z.object({
  message: messageSchema,
  channel: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["channel", "dm"]),
  }),
}).meta({ id: "SearchResult", description: "One hit of a search" });

/** A page of `GET /search`: newest first; `next` goes in `before` for the next page. */
export const searchPageSchema = z.object({
  results: z.array(searchResultSchema),
  next: z.string().nullable().describe(
    "Pass as before for the next page; null at the end",
  ),
}).meta({ id: "SearchPage", description: "A page of search results" });

/**
 * A channel member as listed in the `ready` frame. A thousand-member channel
 * sends this to every socket, so the common values are left out: no
 * `avatarUrl` means no avatar, no `role` a member, no `status` none.
 */
export const memberSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  online: z.boolean(),
  avatarUrl: z.string().optional().describe(
    "/avatars/{id}/{version}; absent without an avatar",
  ),
  role: z.enum(ROLES).exclude(["member"]).optional().describe(
    "The instance role when above member",
  ),
  status: z.string().optional().describe("The line under the name, when set"),
  bot: z.literal(true).optional().describe("A bot account"),
}).meta({ id: "Member", description: "A channel member in the ready frame" });

/** What a sidebar shows of a channel. */
export const channelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  topic: z.string(),
  private: z.boolean(),
  slowModeSeconds: z.number().int().optional().describe(
    "Seconds a member waits between messages (0: off); sent with channel_updated",
  ),
  postPolicy: z.enum(POST_POLICIES).optional().describe(
    "Who may post; sent with channel_updated",
  ),
}).meta({ id: "ChannelSummary", description: "What a sidebar shows" });

/**
 * The schemas of every WebSocket frame, one discriminated union per
 * direction. The client's are what the socket parses frames with; the
 * server's describe what it sends. The frame types in `wire.ts` are inferred
 * from these, and `/openapi.json` describes the socket with them.
 */
import { z } from "zod";
import {
  clientIdSchema,
  contentSchema,
  emojiSchema,
  messageSeqSchema,
} from "./fields.ts";
import {
  channelSummarySchema,
  memberSchema,
  messageSchema,
} from "./wire_schemas.ts";

/** First frame on every socket: where the channel stands, how many are in it and who of them is online. */
export const readyFrameSchema = z.object({
  type: z.literal("ready"),
  channelId: z.string(),
  lastSeq: z.number().int(),
  rev: z.number().int().describe(
    "The channel's change counter: a reconnect passes it back as rev",
  ),
  memberCount: z.number().int().describe("Members of the channel"),
  onlineCount: z.number().int().describe("Members online on this server"),
  members: z.array(memberSchema).describe(
    "The first (by username) online members, at most 100; GET /channels/{id}/members pages the rest",
  ),
}).meta({ id: "ReadyFrame", description: "First frame on every socket" });

/** A stored message, backfilled or live. */
export const messageFrameSchema = z.object({
  type: z.literal("message"),
  message: messageSchema,
}).meta({ id: "MessageFrame", description: "A stored message" });

/** A message changed (edited, deleted, reacted to): the whole message as it is now. */
export const messageUpdateFrameSchema = z.object({
  type: z.literal("message_update"),
  message: messageSchema,
}).meta({ id: "MessageUpdateFrame", description: "A message as it is now" });

/** Sent to a socket opened with `rev` once it has everything stored when it opened. */
export const caughtUpFrameSchema = z.object({
  type: z.literal("caught_up"),
  lastSeq: z.number().int(),
  rev: z.number().int(),
}).meta({
  id: "CaughtUpFrame",
  description: "The backlog and missed changes have all been sent",
});

/** One member's new presence in a `presence` frame. */
export const presenceChangeSchema = z.object({
  userId: z.string(),
  online: z.boolean(),
});

/**
 * Members who came online (first socket) or went offline (last socket
 * closed), gathered per channel for up to 250 ms: the latest state per user.
 */
export const presenceFrameSchema = z.object({
  type: z.literal("presence"),
  changes: z.array(presenceChangeSchema),
  onlineCount: z.number().int().optional().describe(
    "Members online on this server after these changes",
  ),
  omitted: z.number().int().optional().describe(
    "How many changes were too many to list (then `changes` is empty): reload the member list",
  ),
}).meta({
  id: "PresenceFrame",
  description: "Members who came or went online, at most one frame per 250 ms",
});

/** A member is typing; names ride along so the client need not look them up. */
export const typingFrameSchema = z.object({
  type: z.literal("typing"),
  userId: z.string(),
  username: z.string().optional(),
  displayName: z.string().optional(),
}).meta({ id: "TypingFrame", description: "A member is typing" });

/** Someone joined or left the channel; a socket whose own user left is closed after it. */
export const memberFrameSchema = z.object({
  type: z.literal("member"),
  userId: z.string(),
  joined: z.boolean(),
  member: memberSchema.optional().describe("The member who joined"),
  removed: z.boolean().optional().describe(
    "True when someone else (the channel's owner) took them out",
  ),
}).meta({ id: "MemberFrame", description: "Someone joined or left" });

/**
 * A member's names, avatar, role or status changed: lists that hold them show
 * the new face. `online` is this server's view; a client keeps its own.
 */
export const memberUpdatedFrameSchema = z.object({
  type: z.literal("member_updated"),
  member: memberSchema,
}).meta({
  id: "MemberUpdatedFrame",
  description: "A member's names, avatar, role or status changed",
});

/** This user was added to a channel (from anywhere): the sidebar takes it in. */
export const channelAddedFrameSchema = z.object({
  type: z.literal("channel_added"),
  channel: channelSummarySchema,
}).meta({ id: "ChannelAddedFrame", description: "Added to a channel" });

/** A channel of this user was renamed, or its topic, slow mode or post policy changed. */
export const channelUpdatedFrameSchema = z.object({
  type: z.literal("channel_updated"),
  channel: channelSummarySchema,
}).meta({ id: "ChannelUpdatedFrame", description: "A channel changed" });

/** A channel is gone for this user; its socket closes (1008) right after this frame. */
export const channelRemovedFrameSchema = z.object({
  type: z.literal("channel_removed"),
  channelId: z.string(),
  reason: z.enum(["left", "removed", "deleted"]),
}).meta({ id: "ChannelRemovedFrame", description: "A channel is gone" });

/**
 * This user's friends, friend requests or blocks changed (a request came in,
 * was accepted, declined or cancelled): the page reloads `GET /friends`.
 */
export const friendsChangedFrameSchema = z.object({
  type: z.literal("friends_changed"),
}).meta({
  id: "FriendsChangedFrame",
  description: "My friends, requests or blocks changed",
});

/** Something the client sent was refused; the socket stays open. */
export const errorFrameSchema = z.object({
  type: z.literal("error"),
  code: z.string(),
  detail: z.string(),
  clientId: z.string().optional().describe(
    "The clientId of the refused client frame, when it had one",
  ),
  until: z.string().optional().describe(
    "With timed_out: when the timeout ends (ISO 8601)",
  ),
  retryAfter: z.number().int().optional().describe(
    "With rate_limited: whole seconds to wait",
  ),
}).meta({ id: "ErrorFrame", description: "A client frame was refused" });

/** Another channel of this user has new messages, up to `lastSeq`; never the content. */
export const activityFrameSchema = z.object({
  type: z.literal("activity"),
  channelId: z.string(),
  lastSeq: z.number().int(),
}).meta({ id: "ActivityFrame", description: "Another channel has news" });

/** Every frame the server sends, keyed by `type`. */
export const serverFrameSchema = z.discriminatedUnion("type", [
  readyFrameSchema,
  messageFrameSchema,
  messageUpdateFrameSchema,
  caughtUpFrameSchema,
  presenceFrameSchema,
  typingFrameSchema,
  memberFrameSchema,
  memberUpdatedFrameSchema,
  activityFrameSchema,
  channelAddedFrameSchema,
  channelUpdatedFrameSchema,
  channelRemovedFrameSchema,
  friendsChangedFrameSchema,
  errorFrameSchema,
]).meta({ id: "ServerFrame", description: "Every frame the server sends" });

// Unknown extra keys are stripped rather than refused, so older servers accept
// frames from newer clients.

/** Post a message; the required `clientId` makes a retried send store one message. */
export const clientMessageFrameSchema = z.object({
  type: z.literal("message"),
  content: contentSchema,
  clientId: clientIdSchema.describe(
    "Required: 1 to 64 letters, digits or any of _ - . : (a UUID fits); a resend with the same clientId stores one message",
  ),
  replyTo: messageSeqSchema.optional().describe(
    "The seq of the message this one answers",
  ),
}).meta({ id: "ClientMessageFrame", description: "Post a message" });

/** Edit one's own message; `clientId` only names the frame in an error. */
export const clientEditFrameSchema = z.object({
  type: z.literal("edit"),
  seq: messageSeqSchema,
  // Checked where it is stored, against the message's own rule (a file's
  // caption may be emptied).
  content: z.string({ error: "content must be a string" }),
  clientId: clientIdSchema.optional(),
}).meta({ id: "ClientEditFrame", description: "Edit one's own message" });

/** Delete a message (one's own, or any as the channel's owner). */
export const clientDeleteFrameSchema = z.object({
  type: z.literal("delete"),
  seq: messageSeqSchema,
  clientId: clientIdSchema.optional(),
}).meta({ id: "ClientDeleteFrame", description: "Delete a message" });

/** Add (`add: true`) or remove one's reaction with one emoji. */
export const clientReactFrameSchema = z.object({
  type: z.literal("react"),
  seq: messageSeqSchema,
  emoji: emojiSchema,
  add: z.boolean({ error: "add must be true or false" }),
  clientId: clientIdSchema.optional(),
}).meta({ id: "ClientReactFrame", description: "Add or remove a reaction" });

/** Tell the channel this user is typing. */
export const clientTypingFrameSchema = z.object({
  type: z.literal("typing"),
}).meta({ id: "ClientTypingFrame", description: "This user is typing" });

/** The client frames by `type`, as the socket parses them. */
export const clientFrameSchemas = {
  message: clientMessageFrameSchema,
  edit: clientEditFrameSchema,
  delete: clientDeleteFrameSchema,
  react: clientReactFrameSchema,
  typing: clientTypingFrameSchema,
};

/** Every frame a client may send, keyed by `type`. */
export const clientFrameSchema = z.discriminatedUnion("type", [
  clientMessageFrameSchema,
  clientEditFrameSchema,
  clientDeleteFrameSchema,
  clientReactFrameSchema,
  clientTypingFrameSchema,
]).meta({ id: "ClientFrame", description: "Every frame a client may send" });

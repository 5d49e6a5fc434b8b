/**
 * The shapes Hearth sends and receives: messages, members and every WebSocket
 * frame, one discriminated union per direction. Each type is inferred from its
 * schema in `wire_schemas.ts` or `frame_schemas.ts` (one source for the
 * server, the browser and `/openapi.json`); this module imports them as types
 * only, so importing it costs the bundle nothing.
 */
import type { z } from "zod";
import type * as frames from "./frame_schemas.ts";
import type * as wire from "./wire_schemas.ts";

/** A file attached to a message; `url` is where members download it. */
export type FileRef = z.infer<typeof wire.fileRefSchema>;
/** The public face of a message's author, copied into the message when it is stored. */
export type Author = z.infer<typeof wire.authorSchema>;
/** One emoji's reactions on a message: who reacted, in the order they did. */
export type Reaction = z.infer<typeof wire.reactionSchema>;
/** The message a reply answers, as the reply shows it. */
export type ReplyRef = z.infer<typeof wire.replyRefSchema>;
/** A stored chat message (a deleted one stays at its seq as a tombstone). */
export type Message = z.infer<typeof wire.messageSchema>;
/** An invite link as its creator (and the instance owner) sees it. */
export type Invite = z.infer<typeof wire.inviteSchema>;
/** What anyone holding an invite code may learn of it. */
export type InvitePreview = z.infer<typeof wire.invitePreviewSchema>;
/** One hit of `GET /search`: the message and the channel it is in. */
export type SearchResult = z.infer<typeof wire.searchResultSchema>;
/** A page of `GET /search`: newest first; `next` goes in `before` for the next page. */
export type SearchPage = z.infer<typeof wire.searchPageSchema>;
/**
 * A channel member as listed in the `ready` frame; the common values are left
 * out (no `avatarUrl`: no avatar, no `role`: a member, no `status`: none).
 */
export type Member = z.infer<typeof wire.memberSchema>;
/** What a sidebar shows of a channel. */
export type ChannelSummary = z.infer<typeof wire.channelSummarySchema>;

/** First frame on every socket: where the channel stands and who is in it. */
export type ReadyFrame = z.infer<typeof frames.readyFrameSchema>;
/** What a `ready` frame tells of the channel's members. */
export type ReadyMembers = Pick<
  ReadyFrame,
  "memberCount" | "onlineCount" | "members"
>;
/** A stored message, backfilled or live. */
export type MessageFrame = z.infer<typeof frames.messageFrameSchema>;
/** Sent to a socket opened with `rev` once it has everything stored when it opened. */
export type CaughtUpFrame = z.infer<typeof frames.caughtUpFrameSchema>;
/** A message changed (edited, deleted, reacted to): the whole message as it is now. */
export type MessageUpdateFrame = z.infer<
  typeof frames.messageUpdateFrameSchema
>;
/** A member came online (first socket) or went offline (last socket closed). */
export type PresenceFrame = z.infer<typeof frames.presenceFrameSchema>;
/** One member's new presence in a `presence` frame. */
export type PresenceChange = z.infer<typeof frames.presenceChangeSchema>;
/** A member is typing; names ride along so the client need not look them up. */
export type TypingFrame = z.infer<typeof frames.typingFrameSchema>;
/** Someone joined or left the channel. */
export type MemberFrame = z.infer<typeof frames.memberFrameSchema>;
/** A member's names, avatar, role or status changed. */
export type MemberUpdatedFrame = z.infer<
  typeof frames.memberUpdatedFrameSchema
>;
/** This user was added to a channel (from anywhere): the sidebar takes it in. */
export type ChannelAddedFrame = z.infer<typeof frames.channelAddedFrameSchema>;
/** A channel of this user was renamed, or its topic, slow mode or post policy changed. */
export type ChannelUpdatedFrame = z.infer<
  typeof frames.channelUpdatedFrameSchema
>;
/** A channel is gone for this user; its socket closes (1008) right after this frame. */
export type ChannelRemovedFrame = z.infer<
  typeof frames.channelRemovedFrameSchema
>;
/**
 * This user's friends, friend requests or blocks changed (a request came in,
 * was accepted, declined or cancelled): the page reloads `GET /friends`.
 */
export type FriendsChangedFrame = z.infer<
  typeof frames.friendsChangedFrameSchema
>;
/** Something the client sent was refused; the socket stays open. */
export type ErrorFrame = z.infer<typeof frames.errorFrameSchema>;
/** Another channel of this user has new messages, up to `lastSeq`. */
export type ActivityFrame = z.infer<typeof frames.activityFrameSchema>;
/** Every frame the server sends, keyed by `type`. */
export type ServerFrame = z.infer<typeof frames.serverFrameSchema>;

/** Post a message; `clientId` makes a retried send store one message. */
export type ClientMessageFrame = z.infer<
  typeof frames.clientMessageFrameSchema
>;
/** Edit one's own message; `clientId` only names the frame in an error. */
export type ClientEditFrame = z.infer<typeof frames.clientEditFrameSchema>;
/** Delete a message (one's own, or any as the channel's owner). */
export type ClientDeleteFrame = z.infer<typeof frames.clientDeleteFrameSchema>;
/** Add (`add: true`) or remove one's reaction with one emoji. */
export type ClientReactFrame = z.infer<typeof frames.clientReactFrameSchema>;
/** Tell the channel this user is typing. */
export type ClientTypingFrame = z.infer<typeof frames.clientTypingFrameSchema>;
/** Every frame a client may send, keyed by `type`. */
export type ClientFrame = z.infer<typeof frames.clientFrameSchema>;

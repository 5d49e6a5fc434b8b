/**
 * The shapes Hearth sends and receives: messages, members and every WebSocket
 * frame, one discriminated union per direction. Shared by the server, the data
 * layer and the browser; types only, so importing it costs the bundle nothing.
 */
import type { Role } from "./roles.ts";

/** A file attached to a message; `url` is where members download it. */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  type: string;
  url: string;
  /** Pixel size of an image shown inline, when its header gave one (upright). */
  width?: number;
  height?: number;
  /**
   * An image's thumbnail, at most 720 x 480 and the image's shape; members
   * only, like `url`. Absent when none could be made.
   */
  thumbnailUrl?: string;
}

/** The public face of a message's author, copied into the message when it is stored. */
export interface Author {
  id: string;
  username: string;
  displayName: string;
  /** A bot account or an incoming webhook wrote it (the chat shows a badge). */
  bot?: true;
  /** An incoming webhook posted it: `id` is the webhook's, the names are the ones it gave. */
  webhook?: true;
  /** The avatar an incoming webhook's post named (an https URL; the chat does not load it). */
  hookAvatarUrl?: string;
}

/** One emoji's reactions on a message: who reacted, in the order they did. */
export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

/** The message a reply answers, as the reply shows it. */
export interface ReplyRef {
  seq: number;
  author: Author;
  /** Up to 100 characters of the original; "" once it is deleted. */
  excerpt: string;
}

/**
 * A stored chat message; `seq` counts up from 1 per channel with no gaps, and
 * `rev` is the channel's change counter at this message's latest change
 * (post, edit, deletion, reaction). A deleted message stays at its seq as a
 * tombstone: `deleted: true`, empty content, no file, no reactions.
 */
export interface Message {
  id: string;
  channelId: string;
  seq: number;
  rev: number;
  author: Author;
  content: string;
  createdAt: string;
  /** When the content was last edited; absent if never. */
  editedAt?: string;
  deleted?: true;
  /** On a tombstone: "moderator" when someone other than its author deleted it. */
  deletedBy?: "moderator";
  clientId?: string;
  file: FileRef | null;
  replyTo?: ReplyRef;
  /** In the order each emoji was first used. */
  reactions: Reaction[];
  /** Ids of the channel members the content `@`-mentions. */
  mentions: string[];
}

/** An invite link as its creator (and the instance owner) sees it. */
export interface Invite {
  code: string;
  /** Where a person opens it: `{origin}/invite/{code}`. */
  url: string;
  /** The channel it brings people into; null for the instance only. */
  channelId: string | null;
  /** How many times it may be used; null for no limit. */
  maxUses: number | null;
  uses: number;
  /** When it stops working; null for never. */
  expiresAt: string | null;
  /** The id of the user who made it. */
  createdBy: string;
  createdAt: string;
}

/** What anyone holding an invite code may learn of it: who invites, to what, and whether it still works. */
export interface InvitePreview {
  code: string;
  channel: { id: string; name: string } | null;
  inviter: { displayName: string };
  expiresAt: string | null;
  valid: boolean;
}

/** One hit of `GET /search`: the message and the channel it is in. */
export interface SearchResult {
  message: Message;
  channel: { id: string; name: string; kind: "channel" | "dm" };
}

/** A page of `GET /search`: newest first; `next` goes in `before` for the next page, null at the end. */
export interface SearchPage {
  results: SearchResult[];
  next: string | null;
}

/**
 * A channel member as listed in the `ready` frame. A thousand-member channel
 * sends this to every socket, so the common values are left out: no
 * `avatarUrl` means no avatar, no `role` a member, no `status` none.
 */
export interface Member {
  id: string;
  username: string;
  displayName: string;
  online: boolean;
  /** Where their avatar is served (`/avatars/{id}/{version}`). */
  avatarUrl?: string;
  /** Their instance role when above member (profile cards and staff controls use it). */
  role?: Exclude<Role, "member">;
  /** The line under their name, when set. */
  status?: string;
  /** A bot account (the member list shows a badge). */
  bot?: true;
}

/** First frame on every socket: where the channel stands and who is in it. */
export interface ReadyFrame {
  type: "ready";
  channelId: string;
  lastSeq: number;
  /** The channel's change counter: a reconnect passes it back as `rev`. */
  rev: number;
  members: Member[];
}

/** A stored message, backfilled or live. */
export interface MessageFrame {
  type: "message";
  message: Message;
}

/**
 * Sent to a socket opened with `rev`, once it has everything stored when it
 * opened: the backlog and the changes missed. A client that reconnects later passes this `rev`
 * (or a live frame's higher one) back, with the last seq it has as `after`.
 */
export interface CaughtUpFrame {
  type: "caught_up";
  lastSeq: number;
  rev: number;
}

/** A message changed (edited, deleted, reacted to): the whole message as it is now. */
export interface MessageUpdateFrame {
  type: "message_update";
  message: Message;
}

/** A member came online (first socket) or went offline (last socket closed). */
export interface PresenceFrame {
  type: "presence";
  userId: string;
  online: boolean;
}

/** A member is typing; names ride along so the client need not look them up. */
export interface TypingFrame {
  type: "typing";
  userId: string;
  username?: string;
  displayName?: string;
}

/** Someone joined or left the channel; a socket whose own user left is closed after it. */
export interface MemberFrame {
  type: "member";
  userId: string;
  joined: boolean;
  /** The member who joined, so lists can show them without a lookup. */
  member?: Member;
  /** True when someone else (the channel's owner) took them out. */
  removed?: boolean;
}

/** What a sidebar shows of a channel. */
export interface ChannelSummary {
  id: string;
  name: string;
  topic: string;
  private: boolean;
  /** Seconds a member waits between messages (0: off); sent with `channel_updated`. */
  slowModeSeconds?: number;
  /** Who may post; sent with `channel_updated`. */
  postPolicy?: "everyone" | "moderators";
}

/** This user was added to a channel (from anywhere): the sidebar takes it in. */
export interface ChannelAddedFrame {
  type: "channel_added";
  channel: ChannelSummary;
}

/** A channel of this user was renamed, or its topic, slow mode or post policy changed. */
export interface ChannelUpdatedFrame {
  type: "channel_updated";
  channel: ChannelSummary;
}

/**
 * A channel is gone for this user: they left or were removed, or it was
 * deleted. Its socket closes (1008) right after this frame.
 */
export interface ChannelRemovedFrame {
  type: "channel_removed";
  channelId: string;
  reason: "left" | "removed" | "deleted";
}

/**
 * This user's friends, friend requests or blocks changed (a request came in,
 * was accepted, declined or cancelled): the page reloads `GET /friends`.
 */
export interface FriendsChangedFrame {
  type: "friends_changed";
}

/** Something the client sent was refused; the socket stays open. */
export interface ErrorFrame {
  type: "error";
  code: string;
  detail: string;
  /** The `clientId` of the client frame refused, when it had one, so the client knows which send failed. */
  clientId?: string;
  /** With `timed_out`: when the timeout ends (ISO 8601). */
  until?: string;
  /** With `rate_limited`: whole seconds to wait before sending again. */
  retryAfter?: number;
}

/**
 * Another channel of this user has new messages, up to `lastSeq`: enough for
 * unread badges, never the content. At most one per channel per second.
 */
export interface ActivityFrame {
  type: "activity";
  channelId: string;
  lastSeq: number;
}

/** Every frame the server sends, keyed by `type`. */
export type ServerFrame =
  | ReadyFrame
  | MessageFrame
  | MessageUpdateFrame
  | CaughtUpFrame
  | PresenceFrame
  | TypingFrame
  | MemberFrame
  | ActivityFrame
  | ChannelAddedFrame
  | ChannelUpdatedFrame
  | ChannelRemovedFrame
  | FriendsChangedFrame
  | ErrorFrame;

/** Post a message; `clientId` makes a retried send store one message. */
export interface ClientMessageFrame {
  type: "message";
  content: string;
  clientId: string;
  /** The seq of the message this one answers. */
  replyTo?: number;
}

/** Edit one's own message; `clientId` only names the frame in an error. */
export interface ClientEditFrame {
  type: "edit";
  seq: number;
  content: string;
  clientId?: string;
}

/** Delete a message (one's own, or any as the channel's owner). */
export interface ClientDeleteFrame {
  type: "delete";
  seq: number;
  clientId?: string;
}

/** Add (`add: true`) or remove one's reaction with one emoji. */
export interface ClientReactFrame {
  type: "react";
  seq: number;
  emoji: string;
  add: boolean;
  clientId?: string;
}

/** Tell the channel this user is typing. */
export interface ClientTypingFrame {
  type: "typing";
}

/** Every frame a client may send, keyed by `type`. */
export type ClientFrame =
  | ClientMessageFrame
  | ClientEditFrame
  | ClientDeleteFrame
  | ClientReactFrame
  | ClientTypingFrame;

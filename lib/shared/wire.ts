/**
 * The shapes Hearth sends and receives: messages, members and every WebSocket
 * frame, one discriminated union per direction. Shared by the server, the data
 * layer and the browser; types only, so importing it costs the bundle nothing.
 */

/** A file attached to a message; `url` is where members download it. */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  type: string;
  url: string;
  /** Pixel size of an image shown inline, when its header gave one. */
  width?: number;
  height?: number;
}

/** The public face of a message's author, copied into the message when it is stored. */
export interface Author {
  id: string;
  username: string;
  displayName: string;
}

/** A stored chat message; `seq` counts up from 1 per channel with no gaps. */
export interface Message {
  id: string;
  channelId: string;
  seq: number;
  author: Author;
  content: string;
  createdAt: string;
  clientId?: string;
  file: FileRef | null;
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

/** A channel member as listed in the `ready` frame. */
export interface Member {
  id: string;
  username: string;
  displayName: string;
  online: boolean;
}

/** First frame on every socket: where the channel stands and who is in it. */
export interface ReadyFrame {
  type: "ready";
  channelId: string;
  lastSeq: number;
  members: Member[];
}

/** A stored message, backfilled or live. */
export interface MessageFrame {
  type: "message";
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
}

/** This user was added to a channel (from anywhere): the sidebar takes it in. */
export interface ChannelAddedFrame {
  type: "channel_added";
  channel: ChannelSummary;
}

/** A channel of this user was renamed or its topic changed. */
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

/** Something the client sent was refused; the socket stays open. */
export interface ErrorFrame {
  type: "error";
  code: string;
  detail: string;
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
  | PresenceFrame
  | TypingFrame
  | MemberFrame
  | ActivityFrame
  | ChannelAddedFrame
  | ChannelUpdatedFrame
  | ChannelRemovedFrame
  | ErrorFrame;

/** Post a message; `clientId` makes a retried send store one message. */
export interface ClientMessageFrame {
  type: "message";
  content: string;
  clientId: string;
}

/** Tell the channel this user is typing. */
export interface ClientTypingFrame {
  type: "typing";
}

/** Every frame a client may send, keyed by `type`. */
export type ClientFrame = ClientMessageFrame | ClientTypingFrame;

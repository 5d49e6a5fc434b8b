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
}

/** Something the client sent was refused; the socket stays open. */
export interface ErrorFrame {
  type: "error";
  code: string;
  detail: string;
  /** The refused message frame's `clientId`, so the client knows which send failed. */
  clientId?: string;
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
  | PresenceFrame
  | TypingFrame
  | MemberFrame
  | ActivityFrame
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

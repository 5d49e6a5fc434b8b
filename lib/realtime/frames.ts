/**
 * WebSocket wire types shared by the server and the browser islands.
 *
 * This module must stay free of Deno-only APIs: islands bundle it.
 */
import { z } from "zod";

/** Largest client frame accepted, in UTF-8 bytes; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Longest message `content`, in characters, after trimming. */
export const MAX_CONTENT_LENGTH = 4000;

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

/** Result of {@linkcode parseClientFrame}: a typed frame, or an error to send back. */
export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: string; detail: string };

/** Message text: trimmed, non-empty, at most {@linkcode MAX_CONTENT_LENGTH} characters. */
export const contentSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `"content" is required`
        : `"content" must be a string`,
  })
  .trim()
  .min(1, { error: `"content" is empty` })
  .max(MAX_CONTENT_LENGTH, {
    error: `"content" is longer than ${MAX_CONTENT_LENGTH} characters`,
  });

/** Client-chosen idempotency keys, the same over HTTP and the socket (fits UUIDs). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Client-chosen idempotency key: 1-64 URL-safe characters (fits UUIDs and nanoids). */
export const clientIdSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `"clientId" is required`
        : `"clientId" must be a string`,
  })
  .regex(CLIENT_ID_PATTERN, {
    error: `"clientId" must be 1 to 64 letters, digits, "-", "_", "." or ":"`,
  });

// Unknown extra keys are stripped rather than refused, so older servers accept
// frames from newer clients.
const clientFrameSchemas = {
  message: z.object({
    type: z.literal("message"),
    content: contentSchema,
    clientId: clientIdSchema,
  }),
  typing: z.object({ type: z.literal("typing") }),
} satisfies Record<ClientFrame["type"], z.ZodType>;

/** UTF-8 length of `text`, without allocating an encoded copy. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one code point of four bytes.
      bytes += 4;
      i++;
    } else bytes += 3; // lone surrogates are sent as U+FFFD, also three bytes
  }
  return bytes;
}

/** Parses one client text frame; never throws, so bad input cannot kill a socket. */
export function parseClientFrame(text: string): ParseResult {
  // The cheap bound first: UTF-8 is never shorter than UTF-16 code units.
  if (text.length > MAX_FRAME_BYTES || utf8ByteLength(text) > MAX_FRAME_BYTES) {
    return fail(
      "frame_too_large",
      `Frame is larger than ${MAX_FRAME_BYTES} bytes`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail("invalid_json", "Frame is not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail("invalid_frame", "Frame must be a JSON object");
  }
  const type = (data as { type?: unknown }).type;
  if (typeof type !== "string") {
    return fail("invalid_frame", `Frame has no string "type"`);
  }
  if (!Object.hasOwn(clientFrameSchemas, type)) {
    return fail(
      "unknown_frame_type",
      `Unknown frame type ${JSON.stringify(type.slice(0, 40))}`,
    );
  }
  const schema = clientFrameSchemas[type as ClientFrame["type"]];
  const result = schema.safeParse(data);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => issue.message).join(
      "; ",
    );
    return fail("validation_failed", detail);
  }
  return { ok: true, frame: result.data };
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function fail(code: string, detail: string): ParseResult {
  return { ok: false, code, detail };
}

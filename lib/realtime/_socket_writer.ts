/**
 * The one rule for writing a frame to a server socket: send it, or report that
 * the socket is closed or its reader too slow (to be closed with
 * {@linkcode TOO_SLOW_CODE}). The express lane and the per-socket flow control
 * both write through here, so the limit means the same on either path.
 *
 * Reading `bufferedAmount` is a call into the runtime that costs about a
 * quarter of a send, and fan-out writes once per socket per message, so callers
 * look at it only every {@linkcode SENDS_PER_CHECK} sends: a slow reader
 * overshoots its limit by at most that many frames.
 */
import type { ServerSocket } from "./server_socket.ts";

/** Sends between two reads of a socket's `bufferedAmount`. */
export const SENDS_PER_CHECK = 8;

/** Close code for a client that cannot keep up; it resumes with `after`. */
export const TOO_SLOW_CODE = 1013;

/** Close reason sent with {@linkcode TOO_SLOW_CODE} when the buffer is past its limit. */
export const NOT_READING = "Client is not reading";

/**
 * A text frame's text in two parts: a `start` of one socket's own and a
 * `rest` that many sockets send (the same string each time), so a socket that
 * can send it split (`sendSplit`) writes the rest's bytes made once instead of
 * a whole text per socket (`ready`'s member list is most of its 10 KB).
 */
export interface SplitText {
  start: string;
  rest: string;
}

/** What {@linkcode writeFrame} did: sent, found the socket closed, or found it full. */
export type WriteResult = "sent" | "closed" | "full";

// Read once: WebSocket.OPEN is a global lookup otherwise, paid per delivery.
const OPEN = WebSocket.OPEN;

/**
 * Sends `text` (whole or split) on `socket` if it is open and, when `check` is set, holds at
 * most `maxBuffered` unsent bytes; "full" means the caller closes it as too slow.
 */
export function writeFrame(
  socket: ServerSocket,
  text: string | SplitText,
  check: boolean,
  maxBuffered: number,
): WriteResult {
  if (socket.readyState !== OPEN) return "closed";
  if (check && socket.bufferedAmount > maxBuffered) return "full";
  if (typeof text === "string") socket.send(text);
  else if (socket.sendSplit) socket.sendSplit(text.start, text.rest);
  else socket.send(text.start + text.rest);
  return "sent";
}

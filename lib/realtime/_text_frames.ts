/**
 * The bytes of the text frames a server socket writes (RFC 6455 5.2): the
 * server side sends no mask and `permessage-deflate` is off, so every socket
 * gets the same bytes for the same text, and a text sent to many sockets is
 * framed once.
 */
import { Buffer } from "node:buffer";

// Fan-out sends one text to many sockets: frame it once, not once per socket.
// The texts framed last are kept, up to a byte budget, since sends of one
// text to many sockets interleave (an event reaches sockets through their
// own queues between other frames). `ready` is sent split and not kept here:
// its counts make most of them unique in a storm of connects.
const FRAMES_BUDGET_BYTES = 8 * 1024 * 1024;
const CACHED_FRAME_MAX_BYTES = 1024 * 1024;
const framed = new Map<string, Buffer>();
let framedBytes = 0;
let lastText = "";
let lastFrame: Buffer = Buffer.alloc(0);

/** The frame of `text`, from the cache when it was framed lately. */
export function frameOf(text: string): Buffer {
  // The express lane sends one text to every socket in a row.
  if (text === lastText) return lastFrame;
  let frame = framed.get(text);
  if (frame === undefined) {
    frame = textFrame(text);
    if (frame.length <= CACHED_FRAME_MAX_BYTES) {
      framed.set(text, frame);
      framedBytes += frame.length;
      // Oldest first: a Map iterates in insertion order.
      for (const [old, oldFrame] of framed) {
        if (framedBytes <= FRAMES_BUDGET_BYTES) break;
        framed.delete(old);
        framedBytes -= oldFrame.length;
      }
    }
  }
  lastText = text;
  lastFrame = frame;
  return frame;
}

/** The whole unmasked, unfragmented text frame of `text`, in a buffer of its own (it may be kept). */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const { frame, head } = frameWithHead(length, length, false);
  frame.write(text, head);
  return frame;
}

/**
 * The start of a text frame whose payload is `start` and then `restBytes`
 * more bytes: the frame's head and `start`, to be followed by those bytes.
 */
export function frameStart(start: string, restBytes: number): Buffer {
  const length = Buffer.byteLength(start);
  // Written once and dropped: a slice of the shared pool will do.
  const { frame, head } = frameWithHead(length + restBytes, length, true);
  frame.write(start, head);
  return frame;
}

// A buffer with a text frame's head for a payload of `length` bytes, and
// room for `room` of them after it; `pooled` for a buffer that is not kept.
function frameWithHead(
  length: number,
  room: number,
  pooled: boolean,
): { frame: Buffer; head: number } {
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = pooled
    ? Buffer.allocUnsafe(head + room)
    : Buffer.allocUnsafeSlow(head + room);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (head === 2) frame[1] = length;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  return { frame, head };
}

// The bytes of the shared ends of split texts (see `sendSplit`), the last
// few made: sockets opening together send the same one.
const SHARED_ENDS_KEPT = 16;
const sharedEnds = new Map<string, Buffer>();

/** The bytes of `text`, the shared end of split texts, made once while it is in use. */
export function sharedBytes(text: string): Buffer {
  let bytes = sharedEnds.get(text);
  if (bytes === undefined) {
    bytes = Buffer.from(text);
    sharedEnds.set(text, bytes);
    if (sharedEnds.size > SHARED_ENDS_KEPT) {
      sharedEnds.delete(sharedEnds.keys().next().value!);
    }
  }
  return bytes;
}

/**
 * The server's WebSocket layer: `ws` (npm) over the raw connection of a
 * `node:http` upgrade, in place of `Deno.upgradeWebSocket`, whose sockets
 * buffer a whole message (up to 64 MiB, and fragments without end) before the
 * app sees its size. `ws` counts a message's bytes as its frames arrive and
 * closes with 1009 once they pass {@linkcode MAX_FRAME_BYTES}, per frame and
 * per fragment sequence, and refuses unmasked client frames with 1002
 * (RFC 6455 5.1).
 *
 * {@linkcode ServerSocket} gives the session the part of the WebSocket API it
 * used before (`readyState`, `bufferedAmount`, `send`, `close`, `message` and
 * `close` events), and keeps Deno's idle rule: ping a quiet peer, close with
 * 1001 when it stays silent.
 */
import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { setImmediate } from "node:timers";
import { WebSocketServer } from "ws";
import { takeUpgrade } from "../http/upgrade_slot.ts";
import { MAX_FRAME_BYTES } from "../shared/limits.ts";
import { every } from "./_shared_timers.ts";
import { frameOf, frameStart, sharedBytes } from "./_text_frames.ts";

/** The part of the WebSocket API a channel session uses. */
export interface ServerSocket extends EventTarget {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(text: string): void;
  /**
   * Sends `start + rest` as one text frame; `rest` is a text many sockets
   * send (see `SplitText`). Optional: without it, the joined text is sent.
   */
  sendSplit?(start: string, rest: string): void;
  close(code?: number, reason?: string): void;
}

/** How long a closing socket waits for the peer's close frame before it is cut. */
export const CLOSE_GRACE_MS = 3000;

// What a refused client may still send while its close frame goes out: the
// rest of one oversized message is usually well under this.
const DRAIN_BUDGET_BYTES = 1024 * 1024;

const layer = new WebSocketServer({
  noServer: true,
  maxPayload: MAX_FRAME_BYTES,
  clientTracking: false,
  perMessageDeflate: false,
});

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Checks the handshake headers the way `ws` would, so a refusal can say why. */
function checkHandshake(req: Request): void {
  const h = req.headers;
  if (req.method !== "GET") throw new TypeError("The method must be GET");
  if (h.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new TypeError("Upgrade must be websocket");
  }
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(h.get("connection") ?? "")) {
    throw new TypeError("Connection must include upgrade");
  }
  if (!KEY.test(h.get("sec-websocket-key")?.trim() ?? "")) {
    throw new TypeError("Sec-WebSocket-Key is missing or malformed");
  }
  const version = h.get("sec-websocket-version")?.trim();
  if (version !== "13" && version !== "8") {
    throw new TypeError("Sec-WebSocket-Version must be 13");
  }
}

/**
 * Completes the WebSocket handshake of `req` (which serve.ts received as an
 * upgrade) and returns the socket and the 101 response for the envelope.
 * Throws a TypeError for a request that is not a valid handshake.
 */
export function upgradeServerSocket(
  req: Request,
  idleTimeoutSeconds: number,
): { socket: ServerSocket; response: Response } {
  checkHandshake(req);
  const raw = takeUpgrade(req);
  if (raw === undefined) {
    throw new TypeError("The request did not arrive as an upgrade");
  }
  let socket: NodeServerSocket | undefined;
  // The 101 waits in the connection's buffer for the session's first frame
  // (`ready`, or a close), so a connect costs the peer and this process one
  // write instead of two; see NodeServerSocket's #held.
  raw.socket.cork();
  layer.handleUpgrade(
    raw.req,
    raw.socket,
    Buffer.from(raw.head),
    (ws: WsSocket) => {
      socket = new NodeServerSocket(ws, raw.socket, idleTimeoutSeconds);
    },
  );
  if (socket === undefined) {
    // Nothing of ours is held: whatever `ws` answered goes now.
    raw.socket.uncork();
    throw new TypeError("The handshake failed");
  }
  // The handshake is already written (held until the first frame); this only
  // tells the envelope and log.
  const response = new Response(null);
  Object.defineProperty(response, "status", { value: 101 });
  return { socket, response };
}

// Sockets written to in this turn of the event loop. Each stays corked until
// the turn ends, so the frames one commit publishes (a batch of messages, an
// event and its follow-ups) leave in one write per socket, not one each.
let corked: NodeServerSocket[] = [];

function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) socket.uncork();
}

// deno-lint-ignore no-explicit-any
type WsSocket = any;

/** A `ws` socket seen through the WebSocket API, with the idle ping. */
class NodeServerSocket extends EventTarget implements ServerSocket {
  #ws: WsSocket;
  #raw: Duplex;
  #sentCode: number | undefined;
  #sentReason = "";
  #heard = true;
  #corked = false;
  // The connection was corked at the upgrade with the 101 in it (one more
  // cork than #corked counts); the first uncork or close lets it go.
  #held = true;
  #stopPinger: (() => void) | undefined;
  #cut: ReturnType<typeof setTimeout> | undefined;

  constructor(ws: WsSocket, raw: Duplex, idleTimeoutSeconds: number) {
    super();
    this.#ws = ws;
    this.#raw = raw;
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.#heard = true;
      this.dispatchEvent(
        new MessageEvent("message", {
          data: isBinary ? new Uint8Array(data).buffer : data.toString(),
        }),
      );
    });
    ws.on("pong", () => this.#heard = true);
    ws.on("error", (error: { code?: string }) => this.#refused(error));
    ws.on(
      "close",
      (code: number, reason: Buffer) => this.#closed(code, reason),
    );
    const everyMs = (idleTimeoutSeconds * 1000) / 2;
    if (everyMs > 0 && everyMs < 2 ** 31) {
      this.#stopPinger = every(everyMs, () => this.#checkIdle());
    }
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  // The prepared frame goes straight to the connection, one write per socket:
  // `ws` would frame it again for every socket and write header and payload
  // as two buffers, and the Node stream layer's per-write cost is most of a
  // delivery's. `ws` queues nothing of its own with compression off and no
  // Blob sent, so its control frames and these stay in order, and its
  // `bufferedAmount` counts what the connection holds.
  send(text: string): void {
    const frame = frameOf(text);
    this.#corkForTurn();
    this.#raw.write(frame);
  }

  // The rest's bytes are shared by every socket sending the same rest; this
  // socket's own bytes are the frame's head and its start. Corked, both go
  // out in one write.
  sendSplit(start: string, rest: string): void {
    const restBytes = sharedBytes(rest);
    this.#corkForTurn();
    this.#raw.write(frameStart(start, restBytes.length));
    this.#raw.write(restBytes);
  }

  #corkForTurn(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.#raw.cork();
    if (corked.length === 0) setImmediate(uncorkAll);
    corked.push(this);
  }

  /** Sends what this turn wrote (see {@linkcode uncorkAll}). */
  uncork(): void {
    this.#corked = false;
    this.#raw.uncork();
    this.#release();
  }

  close(code?: number, reason?: string): void {
    if (this.#sentCode === undefined) {
      this.#sentCode = code;
      this.#sentReason = reason ?? "";
    }
    this.#ws.close(code, reason);
    this.#release();
    // A peer that never answers the close frame is cut off.
    this.#cut ??= setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS);
  }

  // Lets the 101 (and whatever followed it) go, once.
  #release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#raw.uncork();
  }

  #checkIdle(): void {
    if (this.#ws.readyState !== 1) return;
    if (!this.#heard) return this.close(1001, "No answer to ping");
    this.#heard = false;
    this.#ws.ping();
  }

  // `ws` refused what the client sent (too big: 1009; unmasked or malformed:
  // 1002), queued its close frame and half-closes once it is out. Cutting the
  // connection while the rest of the client's frame sits unread would make
  // the kernel answer with a reset, which can drop the close frame before the
  // client reads it; so the rest is read and dropped, up to a budget, until
  // the client hangs up or the grace time ends.
  #refused(error: { code?: string }): void {
    this.#sentCode ??= error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"
      ? 1009
      : 1002;
    this.#release();
    const raw = this.#raw;
    let dropped = 0;
    raw.on("data", (chunk: Uint8Array) => {
      dropped += chunk.length;
      if (dropped > DRAIN_BUDGET_BYTES) raw.destroy();
    });
    this.#cut ??= setTimeout(() => raw.destroy(), CLOSE_GRACE_MS);
  }

  #closed(code: number, reason: Buffer): void {
    this.#stopPinger?.();
    clearTimeout(this.#cut);
    // No close frame came back (1005/1006): report the one we sent.
    const ours = (code === 1005 || code === 1006) &&
      this.#sentCode !== undefined;
    this.dispatchEvent(
      new CloseEvent("close", {
        code: ours ? this.#sentCode : code,
        reason: ours ? this.#sentReason : reason.toString(),
        wasClean: !ours,
      }),
    );
  }
}

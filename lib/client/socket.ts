/**
 * The channel WebSocket: connects with the session cookie, resumes with
 * `after=<last seq>&rev=<rev>` so no message or change is missed or repeated, and reconnects with
 * exponential backoff and jitter when the connection drops.
 */
import type { ClientFrame, ServerFrame } from "./types.ts";

/** Where the connection stands. */
export type ConnectionStatus = "connecting" | "online" | "offline";

/** What the socket tells its owner. */
export interface SocketHandlers {
  /** Every frame the server sends, parsed. */
  onFrame(frame: ServerFrame): void;
  /** Status changes; `failures` counts attempts since the last good connection. */
  onStatus(status: ConnectionStatus, failures: number): void;
  /** The highest seq this client holds, asked before every (re)connect. */
  afterSeq(): number;
  /** The rev up to which this client holds every change, asked with `afterSeq`. */
  afterRev?(): number;
  /** The server closed the socket; answer true to stop instead of reconnecting. */
  onClosed?(code: number, reason: string): boolean;
}

/** Backoff settings, in milliseconds. */
export interface BackoffOptions {
  baseDelay?: number;
  maxDelay?: number;
}

/** The delay before reconnect attempt `attempt` (0-based): doubling, capped, jittered. */
export function backoffDelay(
  attempt: number,
  { baseDelay = 500, maxDelay = 10_000 }: BackoffOptions = {},
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelay, baseDelay * 2 ** attempt);
  // "Equal jitter": at least half the ceiling, so retries spread without stalling.
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/** One channel's live connection. */
export class ChannelSocket {
  #url: (after: number, rev?: number) => string;
  #handlers: SocketHandlers;
  #backoff: BackoffOptions;
  #ws: WebSocket | null = null;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;

  /** Prepares a socket for `channelId`; call `start()` to connect. */
  constructor(
    channelId: string,
    handlers: SocketHandlers,
    backoff: BackoffOptions = {},
  ) {
    this.#handlers = handlers;
    this.#backoff = backoff;
    this.#url = (after, rev) => {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      return `${scheme}//${location.host}/ws/channels/${
        encodeURIComponent(channelId)
      }?after=${after}${rev === undefined ? "" : `&rev=${rev}`}`;
    };
  }

  /** Connects, and keeps reconnecting until `stop()`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Closes for good (leaving the page, say). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000);
  }

  /** Skips the remaining wait and tries now, if disconnected. */
  reconnectNow(): void {
    if (this.#stopped || this.#ws !== null) return;
    clearTimeout(this.#timer);
    this.#connect();
  }

  /** Sends a frame if connected; false when it could not be sent. */
  send(frame: ClientFrame): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  #connect(): void {
    this.#handlers.onStatus("connecting", this.#failures);
    const ws = new WebSocket(
      this.#url(this.#handlers.afterSeq(), this.#handlers.afterRev?.()),
    );
    this.#ws = ws;
    ws.onmessage = (event) => {
      if (this.#ws !== ws) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (frame.type === "ready") {
        this.#failures = 0;
        this.#handlers.onStatus("online", 0);
      }
      this.#handlers.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#stopped) return;
      if (this.#handlers.onClosed?.(event.code, event.reason)) {
        this.#stopped = true;
        return;
      }
      const delay = backoffDelay(this.#failures, this.#backoff);
      this.#failures++;
      this.#handlers.onStatus("offline", this.#failures);
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
  }
}

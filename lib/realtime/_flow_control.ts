/**
 * Send-side flow control for one server WebSocket: writes that give up on a
 * full buffer, waiting for a drain between bulk sends, and a stall watchdog.
 *
 * A server socket's `bufferedAmount` (the `ws` layer's, over the node
 * connection our frames are written to) counts the bytes the connection holds
 * that the kernel has not yet accepted. It rises with a peer that stops
 * reading (once the peer's and our socket buffers are full, a few MiB on
 * loopback) and falls back as the kernel takes them, so it is the signal used
 * here.
 */
import {
  NOT_READING,
  SENDS_PER_CHECK,
  type SplitText,
  writeFrame,
} from "./_socket_writer.ts";
import type { ServerSocket } from "./server_socket.ts";
import { every } from "./_shared_timers.ts";

/** Limits and the callback for a socket that cannot keep up. */
export interface FlowControlOptions {
  /** Unsent bytes past which a write closes the socket instead of queueing more. */
  maxBuffered: number;
  /** How long unsent bytes may sit without draining before the peer counts as gone. */
  stallTimeoutMs: number;
  /** Called once when the socket must be closed; `reason` fits a close frame. */
  onStuck(reason: string): void;
  /** A number that changes when something else wrote to the socket. */
  activity?: () => number;
}

const DRAIN_POLL_MS = 10;

/** Writes frames to one socket and enforces its send-buffer limits. */
export class FlowControl {
  #socket: ServerSocket;
  #opts: FlowControlOptions;
  #stopped = false;
  #stopWatchdog: (() => void) | undefined;
  #wroteSinceCheck = false;
  #writes = 0;
  #activityAtCheck = 0;
  #bufferedAtCheck = 0;
  #sleep:
    | { timer: ReturnType<typeof setTimeout>; wake: () => void }
    | undefined;

  /** Wraps `socket`; nothing runs until {@linkcode FlowControl.start}. */
  constructor(socket: ServerSocket, opts: FlowControlOptions) {
    this.#socket = socket;
    this.#opts = opts;
  }

  /** Whether enough is unsent that a bulk sender should wait for {@linkcode FlowControl.drain}. */
  get congested(): boolean {
    return this.#socket.bufferedAmount > this.#opts.maxBuffered / 2;
  }

  /** Starts the stall watchdog; call once the socket is open. */
  start(): void {
    if (this.#stopped || this.#stopWatchdog !== undefined) return;
    const ms = this.#opts.stallTimeoutMs;
    if (!(ms > 0 && ms < 2 ** 31)) return;
    // Deno's idleTimeout ping queues behind unsent data, so a peer that vanished
    // while frames were pending is never pinged; this catches that case.
    this.#stopWatchdog = every(ms, () => this.#check());
  }

  /** Sends `text` unless the unsent bytes are already past the limit (then the peer is stuck). */
  write(text: string | SplitText): boolean {
    if (this.#stopped) return false;
    const result = writeFrame(
      this.#socket,
      text,
      ++this.#writes % SENDS_PER_CHECK === 0,
      this.#opts.maxBuffered,
    );
    if (result === "full") this.#stuck(NOT_READING);
    if (result !== "sent") return false;
    this.#wroteSinceCheck = true;
    return true;
  }

  /** Waits until at most half the limit is unsent; false if the peer stalls or this stops. */
  async drain(): Promise<boolean> {
    let lowest = this.#socket.bufferedAmount;
    let progressAt = Date.now();
    while (!this.#stopped && this.congested) {
      await this.#nap(DRAIN_POLL_MS);
      const buffered = this.#socket.bufferedAmount;
      if (buffered < lowest) {
        lowest = buffered;
        progressAt = Date.now();
      } else if (Date.now() - progressAt >= this.#opts.stallTimeoutMs) {
        this.#stuck("Client stopped reading");
        return false;
      }
    }
    return !this.#stopped;
  }

  /** Stops the watchdog and wakes a pending drain; later writes do nothing. */
  stop(): void {
    this.#stopped = true;
    this.#stopWatchdog?.();
    this.#stopWatchdog = undefined;
    if (this.#sleep) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
      this.#sleep = undefined;
    }
  }

  #check(): void {
    const activity = this.#opts.activity?.() ?? 0;
    if (activity !== this.#activityAtCheck) {
      this.#activityAtCheck = activity;
      this.#wroteSinceCheck = true;
    }
    const buffered = this.#socket.bufferedAmount;
    // Bytes pending with nothing written since the last look, and none of them
    // drained: the peer has not read for a whole interval.
    if (
      buffered > 0 && !this.#wroteSinceCheck &&
      buffered >= this.#bufferedAtCheck
    ) {
      this.#stuck("Client stopped reading");
      return;
    }
    this.#bufferedAtCheck = buffered;
    this.#wroteSinceCheck = false;
  }

  #stuck(reason: string): void {
    if (this.#stopped) return;
    this.stop();
    this.#opts.onStuck(reason);
  }

  #nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleep = undefined;
        resolve();
      };
      // Kept so stop() can cancel it: a pending timer would outlive the socket.
      this.#sleep = { timer: setTimeout(wake, ms), wake };
    });
  }
}

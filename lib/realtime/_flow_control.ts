/**
 * Send-side flow control for one server WebSocket.
 *
 * Measured on Deno 2.9.6: a server socket's `bufferedAmount` counts the bytes
 * Deno holds that the kernel has not yet accepted. It rises with a peer that
 * stops reading (once the peer's and our socket buffers are full, a few MiB on
 * loopback), falls back to 0 one macrotask after a burst to a reading peer, and
 * reads 0 once the socket is closing. So it is the signal used here.
 */

/** Limits and the callback for a socket that cannot keep up. */
export interface OutboxOptions {
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
const CHECK_EVERY = 8;

/** Writes frames to one socket and enforces its send-buffer limits. */
export class Outbox {
  #socket: WebSocket;
  #opts: OutboxOptions;
  #stopped = false;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #wroteSinceCheck = false;
  #writes = 0;
  #activityAtCheck = 0;
  #bufferedAtCheck = 0;
  #sleep:
    | { timer: ReturnType<typeof setTimeout>; wake: () => void }
    | undefined;

  /** Wraps `socket`; nothing runs until {@linkcode Outbox.start}. */
  constructor(socket: WebSocket, opts: OutboxOptions) {
    this.#socket = socket;
    this.#opts = opts;
  }

  /** Whether enough is unsent that a bulk sender should wait for {@linkcode Outbox.drain}. */
  get congested(): boolean {
    return this.#socket.bufferedAmount > this.#opts.maxBuffered / 2;
  }

  /** Starts the stall watchdog; call once the socket is open. */
  start(): void {
    if (this.#stopped || this.#watchdog !== undefined) return;
    const ms = this.#opts.stallTimeoutMs;
    if (!(ms > 0 && ms < 2 ** 31)) return;
    // Deno's idleTimeout ping queues behind unsent data, so a peer that vanished
    // while frames were pending is never pinged; this catches that case.
    this.#watchdog = setInterval(() => this.#check(), ms);
  }

  /** Sends `text` unless the unsent bytes are already past the limit (then the peer is stuck). */
  write(text: string): boolean {
    if (this.#stopped || this.#socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    // Reading bufferedAmount is a call into the runtime that costs a quarter of
    // a send; fan-out does it per socket per message, so look every few writes.
    // The limit may be overshot by at most CHECK_EVERY frames.
    if (
      ++this.#writes % CHECK_EVERY === 0 &&
      this.#socket.bufferedAmount > this.#opts.maxBuffered
    ) {
      this.#stuck("Client is not reading");
      return false;
    }
    this.#socket.send(text);
    this.#wroteSinceCheck = true;
    return true;
  }

  /** Waits until at most half the limit is unsent; false if the peer stalls or the outbox stops. */
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
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
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

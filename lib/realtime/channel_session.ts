/**
 * One WebSocket watching one channel: `ready`, then backlog, then live frames,
 * in seq order with no gap and no duplicate. Routes and storage are injected, so
 * this runs unchanged under tests with an in-memory store.
 *
 * Close codes: 1009 for a frame over 16 KiB, 1013 for a client that cannot keep
 * up (it resumes with `after`), 1011 when loading history fails, and whatever the
 * caller passes to `close()` (1001 on shutdown). Dead peers on a quiet socket
 * are found by Deno's own `idleTimeout` ping (see `upgradeChannelSocket`); that
 * ping queues behind unsent data, so peers with data pending are found by the
 * flow control's stall rule instead.
 */
import {
  type ClientFrame,
  MAX_FRAME_BYTES,
  type Member,
  type Message,
  type ReadyFrame,
} from "./frames.ts";
import type { Hub } from "./hub.ts";
import {
  type HubEvent,
  messageEvent,
  type MessageHubEvent,
} from "./hub_events.ts";
import type { ExpressLane } from "./_express_lanes.ts";
import { FlowControl } from "./_flow_control.ts";
import { Inbound } from "./_inbound.ts";
import { moveSession, type SessionState } from "./_session_state.ts";
import { NOT_READING, TOO_SLOW_CODE } from "./_socket_writer.ts";

/** Messages read per `loadAfter` call while catching up (the REST maximum too). */
export const PAGE_SIZE = 200;

/** Default limit on unsent bytes per socket before it is closed with 1013. */
export const DEFAULT_MAX_BUFFERED = 1024 * 1024;

/** Default time unsent bytes may sit undrained before the peer counts as gone. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Default cap on events waiting behind a catch-up before the socket is closed with 1013. */
export const DEFAULT_MAX_QUEUED = 1000;

/**
 * Seconds for `Deno.upgradeWebSocket`'s `idleTimeout`: Deno pings a quiet peer
 * after half of it and closes with 1001 when no pong came by the end.
 */
export const IDLE_TIMEOUT_SECONDS = 60;

/** What a session needs from the rest of the app. */
export interface ChannelSessionOptions {
  /** The channel this socket watches. */
  channelId: string;
  /** Where live events come from; the session subscribes before reading anything. */
  hub: Hub;
  /** Send stored messages after this seq first; omitted means live messages only. */
  afterSeq?: number;
  /** The socket's user, so their own typing notices are not echoed back. */
  userId?: string;
  /** Stored messages with seq > `afterSeq`, oldest first, at most `limit`. */
  loadAfter(afterSeq: number, limit: number): Promise<Message[]>;
  /** The channel's highest stored seq (0 when empty). */
  lastSeq(): Promise<number>;
  /** Members for the `ready` frame, with their `online` flags. */
  loadMembers?(): Promise<Member[]>;
  /** Handles a valid client frame; ApiError-like throws become `error` frames. */
  onClientFrame(frame: ClientFrame): Promise<void>;
  /** Unsent bytes past which the socket is closed with 1013 (default 1 MiB). */
  maxBuffered?: number;
  /** Time unsent bytes may sit undrained before closing with 1013 (default 30 s). */
  stallTimeoutMs?: number;
  /** Events that may wait behind a catch-up before closing with 1013 (default 1,000). */
  maxQueued?: number;
}

/** How a session ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

// An event to send, or a frame (such as an error) that only needs ordering
// behind `ready`.
type Outgoing = HubEvent | { kind: "frame"; frameText: string };

/** Drives one channel socket; see the module doc for the delivery guarantees. */
export class ChannelSession {
  /** The channel this socket watches. */
  readonly channelId: string;
  /** Settles once, when the session ends (its own close, the peer's, or a failure). */
  readonly closed: Promise<CloseInfo>;

  #socket: WebSocket;
  #opts: ChannelSessionOptions;
  #flow: FlowControl;
  #unsubscribe: () => void;
  #resolveClosed!: (info: CloseInfo) => void;
  #state: SessionState = "connecting";
  #lastSentSeq = 0;
  // Frames waiting for their turn on the socket; empty in "live" and "express".
  #sendQueue: Outgoing[] = [];
  // What the session offers the hub's express lane.
  #lane: ExpressLane;
  // The seq this socket started delivering after; null until `ready` is sent.
  #startedAfter: number | null = null;
  #maxQueued: number;
  #inbound: Inbound;

  /** Takes over `socket` (open or still connecting) and starts once it is open. */
  constructor(socket: WebSocket, opts: ChannelSessionOptions) {
    this.channelId = opts.channelId;
    this.#socket = socket;
    this.#opts = opts;
    this.#maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    this.#flow = new FlowControl(socket, {
      maxBuffered: opts.maxBuffered ?? DEFAULT_MAX_BUFFERED,
      stallTimeoutMs: opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      onStuck: (reason) => this.close(TOO_SLOW_CODE, reason),
      // Sends on the express lane count as writes for the stall watchdog.
      activity: () =>
        this.#state === "express" ? opts.hub.laneSeq(opts.channelId) : 0,
    });
    const listener = (event: HubEvent) => this.#push(event);
    this.#lane = {
      socket,
      maxBuffered: opts.maxBuffered ?? DEFAULT_MAX_BUFFERED,
      leave: (lastSeq, full) => this.#leaveLane(lastSeq, full),
      listener,
    };
    // Subscribing before `lastSeq()` and the backlog read is what closes the
    // race: a message committed later is either read or queued here.
    this.#unsubscribe = opts.hub.subscribe(opts.channelId, listener);
    this.#inbound = new Inbound({
      onFrame: opts.onClientFrame,
      sendError: (code, detail) => this.#sendError(code, detail),
      tooLarge: () =>
        this.close(1009, `Frame is larger than ${MAX_FRAME_BYTES} bytes`),
    });
    socket.addEventListener("message", (e) => {
      if (!this.#ended) this.#inbound.receive(e.data);
    });
    // Deno may fire `close` twice (idle timeout); #end ignores the second.
    socket.addEventListener("close", (e) => this.#end(e.code, e.reason));
    if (socket.readyState === WebSocket.OPEN) this.#open();
    else if (socket.readyState === WebSocket.CONNECTING) {
      socket.addEventListener("open", () => this.#open(), { once: true });
    } else this.#end(1006, "Socket closed before the session started");
  }

  /**
   * Answers a repeated clientId with the stored message when this socket has
   * not and will not deliver it: it predates what the socket started sending.
   * Anything later arrives (or arrived) in order, so it is not sent twice.
   */
  answerDuplicate(message: Message): void {
    if (this.#startedAfter === null || message.seq > this.#startedAfter) return;
    this.#push({ kind: "frame", frameText: messageEvent(message).frameText });
  }

  /** Sends a frame built elsewhere, in order with everything else on this socket. */
  sendFrame(frameText: string): void {
    this.#push({ kind: "frame", frameText });
  }

  /** Highest seq sent to this client so far. */
  get lastSentSeq(): number {
    return this.#state === "express"
      ? this.#opts.hub.laneSeq(this.channelId)
      : this.#lastSentSeq;
  }

  /** Ends the session and closes the socket, e.g. 1001 on shutdown. */
  close(code = 1000, reason = ""): void {
    if (this.#ended) return;
    this.#end(code, reason);
    try {
      this.#socket.close(code, reason);
    } catch {
      // Already closing: nothing more to do.
    }
  }

  // A getter rather than a comparison at each use: TypeScript would keep a
  // narrowed #state across the awaits below, where it may well change.
  get #ended(): boolean {
    return this.#state === "closed";
  }

  // Every change of state goes through here; `_session_state.ts` has the
  // machine. A move it does not allow is refused, which is how a closed
  // session ignores whatever finishes after it.
  #to(next: SessionState): boolean {
    const moved = moveSession(this.#state, next);
    if (moved) this.#state = next;
    return moved;
  }

  #open(): void {
    if (!this.#to("backfilling")) return;
    this.#flow.start();
    void this.#pump();
  }

  // Frees everything at once, without waiting for the peer's close frame: a peer
  // that does not read may never send one.
  #end(code: number, reason: string): void {
    const wasExpress = this.#state === "express";
    if (!this.#to("closed")) return;
    if (wasExpress) {
      const laneSeq = this.#opts.hub.exitLane(this.channelId, this.#lane);
      this.#lastSentSeq = Math.max(this.#lastSentSeq, laneSeq);
    }
    this.#unsubscribe();
    this.#flow.stop();
    this.#sendQueue = [];
    this.#resolveClosed({ code, reason });
  }

  #push(item: Outgoing): void {
    if (this.#ended) return;
    // The hub already sent it on the express lane.
    if (item.kind === "message" && this.#state === "express") return;
    if (item.kind === "typing" && item.userId === this.#opts.userId) return;
    if (
      item.kind === "member" && !item.joined &&
      item.userId === this.#opts.userId
    ) {
      // Whoever left the channel stops hearing it at once, on every instance.
      this.#flow.write(item.frameText);
      this.close(1008, "You are no longer a member of this channel");
      return;
    }
    // Fast path for fan-out: nothing is queued in these states, so no promise
    // per socket.
    if (
      (this.#state === "live" || this.#state === "express") &&
      this.#sendNow(item)
    ) {
      if (item.kind === "message") this.#tryLane();
      return;
    }
    if (this.#sendQueue.length >= this.#maxQueued) {
      this.close(TOO_SLOW_CODE, "Client is too far behind");
      return;
    }
    this.#sendQueue.push(item);
    // Otherwise a pump is already running, or starts once the socket opens.
    if (this.#state === "live" && this.#to("flushing")) void this.#pump();
  }

  // Sends `item` if order allows; false when a gap must be filled first.
  #sendNow(item: Outgoing): boolean {
    if (item.kind !== "message") {
      this.#flow.write(item.frameText);
      return true;
    }
    if (item.seq <= this.#lastSentSeq) return true; // already sent: drop
    if (item.seq !== this.#lastSentSeq + 1) return false;
    if (this.#flow.write(item.frameText)) this.#lastSentSeq = item.seq;
    return true;
  }

  // The single sender, run on entering "backfilling" or "flushing" (never
  // twice at once: neither state can be entered from the other): every send
  // that may wait goes through here, so the backlog, gap fills and queued
  // events never interleave.
  async #pump(): Promise<void> {
    try {
      if (this.#state === "backfilling") {
        await this.#backfill();
        this.#to("flushing");
      }
      while (!this.#ended && this.#sendQueue.length > 0) {
        const item = this.#sendQueue.shift()!;
        if (!this.#sendNow(item)) await this.#fillGap(item as MessageHubEvent);
        if (this.#flow.congested && !(await this.#flow.drain())) return;
      }
    } catch (err) {
      // Failing because the session already ended (KV closed at shutdown) is expected.
      if (!this.#ended) {
        console.error(`Channel session "${this.channelId}" failed`, err);
      }
      this.close(1011, "Server error, reconnect with after");
      return;
    }
    if (this.#to("live")) this.#tryLane();
  }

  // A socket that is caught up, with nothing queued or unsent, can take the
  // channel's messages from the hub's express lane.
  #tryLane(): void {
    if (this.#state !== "live" || this.#flow.congested) return;
    const entered = this.#opts.hub.enterLane(
      this.channelId,
      this.#lane,
      this.#lastSentSeq,
    );
    if (entered) this.#to("express");
  }

  #leaveLane(lastSeq: number, full: boolean): void {
    this.#to("live");
    this.#lastSentSeq = Math.max(this.#lastSentSeq, lastSeq);
    if (full) this.close(TOO_SLOW_CODE, NOT_READING);
  }

  async #backfill(): Promise<void> {
    const [lastSeq, members] = await Promise.all([
      this.#opts.lastSeq(),
      this.#opts.loadMembers?.() ?? [],
    ]);
    if (this.#ended) return;
    // A cursor past the end (say, after a restore) would drop every new message
    // as a duplicate; clamp it so the client gets them.
    const requested = this.#opts.afterSeq;
    const after = Number.isFinite(requested) ? Math.floor(requested!) : lastSeq;
    this.#lastSentSeq = Math.max(0, Math.min(after, lastSeq));
    this.#startedAfter = this.#lastSentSeq;
    const ready: ReadyFrame = {
      type: "ready",
      channelId: this.channelId,
      lastSeq,
      members,
    };
    if (!this.#flow.write(JSON.stringify(ready))) return;
    await this.#catchUp(Infinity);
  }

  // Sends stored messages after lastSentSeq until the store runs out or
  // `untilSeq` is reached.
  async #catchUp(untilSeq: number): Promise<void> {
    while (!this.#ended && this.#lastSentSeq < untilSeq) {
      const from = this.#lastSentSeq;
      const page = await this.#opts.loadAfter(from, PAGE_SIZE);
      for (const message of page) {
        if (this.#ended) return;
        if (message.seq <= this.#lastSentSeq) continue;
        if (!this.#flow.write(messageEvent(message).frameText)) return;
        this.#lastSentSeq = message.seq;
        if (this.#flow.congested && !(await this.#flow.drain())) return;
      }
      // A short page is the end; a page that moved nothing would loop forever.
      if (page.length < PAGE_SIZE || this.#lastSentSeq === from) return;
    }
  }

  async #fillGap(event: MessageHubEvent): Promise<void> {
    await this.#catchUp(event.seq - 1);
    if (this.#ended || event.seq <= this.#lastSentSeq) return;
    // The catch-up also stops when the socket is closing (the peer hung up
    // and its close event is not in yet): nothing is missing then, and
    // nothing more can be sent.
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    // Only reachable if the store lags the hub; KV reads are strongly consistent,
    // so this is logged rather than waited on.
    console.warn(
      `Channel "${this.channelId}": seq ${this.#lastSentSeq + 1}..${
        event.seq - 1
      } missing from the store; sending ${event.seq}`,
    );
    if (this.#flow.write(event.frameText)) this.#lastSentSeq = event.seq;
  }

  #sendError(code: string, detail: string): void {
    this.#push({
      kind: "frame",
      frameText: JSON.stringify({ type: "error", code, detail }),
    });
  }
}

/** Upgrades `req` with Deno's idle-ping timeout (seconds) and starts a session on the socket. */
export function upgradeChannelSocket(
  req: Request,
  opts: ChannelSessionOptions,
  idleTimeout: number = IDLE_TIMEOUT_SECONDS,
): { response: Response; session: ChannelSession } {
  const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
  return { response, session: new ChannelSession(socket, opts) };
}

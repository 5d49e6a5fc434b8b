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
import { MAX_FRAME_BYTES } from "../shared/limits.ts";
import type {
  CaughtUpFrame,
  Message,
  ReadyFrame,
  ReadyMembers,
} from "../shared/wire.ts";
import {
  type HubEvent,
  messageEvent,
  type MessageHubEvent,
} from "./hub_events.ts";
import {
  type BacklogCursor,
  catchUp,
  fillGap,
  replayChanges,
} from "./_backlog.ts";
import {
  type ChannelSessionOptions,
  type CloseInfo,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_MAX_QUEUED,
  DEFAULT_STALL_TIMEOUT_MS,
} from "./channel_session_options.ts";
import type { ExpressLane } from "./_express_lanes.ts";
import { FlowControl } from "./_flow_control.ts";
import { Inbound } from "./_inbound.ts";
import { canMove, type SessionState } from "./_session_state.ts";
import {
  NOT_READING,
  type SplitText,
  TOO_SLOW_CODE,
} from "./_socket_writer.ts";
import { errorFields, log } from "../log.ts";
import type { ServerSocket } from "./server_socket.ts";

export * from "./channel_session_options.ts";

// The end of `ready` with a member list's JSON, once per list: a crowd of
// sockets opening on one channel gets the same list (see
// lib/chat/_ready_faces.ts), and the same string lets each socket write the
// list's bytes made once.
const membersJson = new WeakMap<object, string>();

/** The `ready` frame's text: its counts, then the member list shared by sockets. */
function readyText(
  channelId: string,
  lastSeq: number,
  rev: number,
  { members, ...counts }: ReadyMembers,
): SplitText {
  let rest = membersJson.get(members);
  if (rest === undefined) {
    rest = `,"members":${JSON.stringify(members)}}`;
    membersJson.set(members, rest);
  }
  const head: Omit<ReadyFrame, "members"> = {
    type: "ready",
    channelId,
    lastSeq,
    rev,
    ...counts,
  };
  return { start: JSON.stringify(head).slice(0, -1), rest };
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

  #socket: ServerSocket;
  #opts: ChannelSessionOptions;
  #flow: FlowControl;
  #unsubscribe: () => void;
  #resolveClosed!: (info: CloseInfo) => void;
  #state: SessionState = "connecting";
  // Where the socket stands in the channel's seq order, shared with the
  // backlog reader.
  #cursor: BacklogCursor;
  // Frames waiting for their turn on the socket; empty in "live" and "express".
  #sendQueue: Outgoing[] = [];
  // What the session offers the hub's express lane.
  #lane: ExpressLane;
  // The seq this socket started delivering after; null until `ready` is sent.
  #startedAfter: number | null = null;
  #maxQueued: number;
  #inbound: Inbound;

  /** Takes over `socket` (open or still connecting) and starts once it is open. */
  constructor(socket: ServerSocket, opts: ChannelSessionOptions) {
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
    this.#cursor = {
      channelId: opts.channelId,
      socket,
      flow: this.#flow,
      loadAfter: (afterSeq, limit) => opts.loadAfter(afterSeq, limit),
      lastSentSeq: 0,
      ended: () => this.#ended,
    };
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
      sendError: (code, detail, extra) =>
        this.sendFrame(
          JSON.stringify({ type: "error", code, detail, ...extra }),
        ),
      tooLarge: () =>
        this.close(1009, `Frame is larger than ${MAX_FRAME_BYTES} bytes`),
    });
    socket.addEventListener("message", (e) => {
      if (!this.#ended) this.#inbound.receive((e as MessageEvent).data);
    });
    // Deno may fire `close` twice (idle timeout); #end ignores the second.
    socket.addEventListener("close", (e) => {
      const { code, reason } = e as CloseEvent;
      this.#end(code, reason);
    });
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
      : this.#cursor.lastSentSeq;
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
    const moved = canMove(this.#state, next);
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
      this.#cursor.lastSentSeq = Math.max(this.#cursor.lastSentSeq, laneSeq);
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
    if (item.kind === "channel" && item.deleted) {
      // A deleted channel's sockets hear why, then close, on every instance.
      this.#flow.write(item.frameText);
      this.close(1008, "This channel was deleted");
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
    if (item.kind === "update") {
      // A change to a message not sent yet is dropped: the message itself is
      // still to come, from the store (as it is now) or as an event queued
      // ahead of this one.
      if (item.seq <= this.lastSentSeq) this.#flow.write(item.frameText);
      return true;
    }
    if (item.kind !== "message") {
      this.#flow.write(item.frameText);
      return true;
    }
    if (item.seq <= this.#cursor.lastSentSeq) return true; // already sent: drop
    if (item.seq !== this.#cursor.lastSentSeq + 1) return false;
    if (this.#flow.write(item.frameText)) this.#cursor.lastSentSeq = item.seq;
    return true;
  }

  // The single sender: every send that may wait goes through here, so the
  // backlog, gap fills and queued events never interleave. It starts only on
  // the moves into "backfilling" (from "connecting") and "flushing" (from
  // "live"), states in which none runs, so there is never a second one.
  async #pump(): Promise<void> {
    try {
      if (this.#state === "backfilling") {
        await this.#backfill();
        this.#to("flushing");
      }
      while (!this.#ended && this.#sendQueue.length > 0) {
        const item = this.#sendQueue.shift()!;
        if (!this.#sendNow(item)) {
          await fillGap(this.#cursor, item as MessageHubEvent);
        }
        if (this.#flow.congested && !(await this.#flow.drain())) return;
      }
    } catch (err) {
      // Failing because the session already ended (KV closed at shutdown) is expected.
      if (!this.#ended) {
        log("error", "channel session failed", {
          channelId: this.channelId,
          ...errorFields(err),
        });
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
      this.#cursor.lastSentSeq,
    );
    if (entered) this.#to("express");
  }

  #leaveLane(lastSeq: number, full: boolean): void {
    this.#to("live");
    this.#cursor.lastSentSeq = Math.max(this.#cursor.lastSentSeq, lastSeq);
    if (full) this.close(TOO_SLOW_CODE, NOT_READING);
  }

  async #backfill(): Promise<void> {
    const [lastSeq, rev, members] = await Promise.all([
      this.#opts.lastSeq(),
      this.#opts.lastRev?.() ?? 0,
      this.#opts.loadMembers?.() ??
        { memberCount: 0, onlineCount: 0, members: [] },
    ]);
    if (this.#ended) return;
    // A cursor past the end (say, after a restore) would drop every new message
    // as a duplicate; clamp it so the client gets them.
    const requested = this.#opts.afterSeq;
    const after = Number.isFinite(requested) ? Math.floor(requested!) : lastSeq;
    const startedAfter = Math.max(0, Math.min(after, lastSeq));
    this.#cursor.lastSentSeq = startedAfter;
    this.#startedAfter = startedAfter;
    // Sockets opening together share the member list's bytes.
    const ready = readyText(this.channelId, lastSeq, rev, members);
    if (!this.#flow.write(ready)) return;
    // A socket starting at the end has nothing stored to catch up on: what
    // is committed after the counter was read comes from the hub, subscribed
    // before that read. Most connects (every fresh page) skip the read.
    if (startedAfter < lastSeq) await catchUp(this.#cursor, Infinity);
    const afterRev = this.#opts.afterRev;
    if (afterRev === undefined) return;
    const load = this.#opts.loadChanges;
    if (load !== undefined) {
      await replayChanges(this.#cursor, load, afterRev, startedAfter);
    }
    if (this.#ended) return;
    // Every change up to `rev` has now been sent (later ones come live), so
    // this is the rev to resume from.
    const caughtUp: CaughtUpFrame = {
      type: "caught_up",
      lastSeq: this.#cursor.lastSentSeq,
      rev: Math.max(rev, afterRev),
    };
    this.#flow.write(JSON.stringify(caughtUp));
  }
}

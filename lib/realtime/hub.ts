/**
 * The one place that owns real-time fan-out: `publish` after a commit,
 * `subscribe` per socket. Optionally relays events between isolates.
 */
import type { Member, Message, ServerFrame } from "../shared/wire.ts";

/** A stored message to deliver; `seq` is copied out for cheap ordering checks. */
export interface MessageHubEvent {
  readonly kind: "message";
  readonly seq: number;
  readonly message: Message;
  /** The `message` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** A user came online or went offline. */
export interface PresenceHubEvent {
  readonly kind: "presence";
  readonly userId: string;
  readonly online: boolean;
  /** The `presence` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** A user is typing in the channel. */
export interface TypingHubEvent {
  readonly kind: "typing";
  readonly userId: string;
  /** The `typing` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** Someone joined or left the channel. */
export interface MemberHubEvent {
  readonly kind: "member";
  readonly userId: string;
  readonly joined: boolean;
  /** The `member` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** Anything published to a channel. */
export type HubEvent =
  | MessageHubEvent
  | PresenceHubEvent
  | TypingHubEvent
  | MemberHubEvent;

/** Receives the events of one channel; must not throw (errors are logged and skipped). */
export type HubListener = (event: HubEvent) => void;

/** Options for {@linkcode Hub}. */
export interface HubOptions {
  /**
   * Relay events to other isolates over a `BroadcastChannel`: `true` uses the
   * name `"hearth-hub"`, a string picks the name. Off by default.
   */
  relay?: boolean | string;
}

/**
 * News between instances that is for the server only, never for sockets: a
 * token was signed out, or a user joined a channel (their open sockets start
 * watching it for activity).
 */
export type ControlMessage =
  | { type: "revoked"; jti: string }
  | { type: "joined"; userId: string; channelId: string };

// Relayed like a channel's events, under a name no channel id can take.
const CONTROL_CHANNEL = "\u0000control";

/** Name of the relay `BroadcastChannel` when `relay: true`. */
export const DEFAULT_RELAY_NAME = "hearth-hub";

// What travels over the relay: the channel and the frame text already built for
// local sockets, so a publish is serialised once in total.
interface RelayPacket {
  channelId: string;
  frameText: string;
}

/** Wraps a stored message for publishing. */
export function messageEvent(message: Message): MessageHubEvent {
  return withFrameText(
    { kind: "message", seq: message.seq, message },
    () => ({ type: "message", message }),
  );
}

/** Wraps a presence change for publishing. */
export function presenceEvent(
  userId: string,
  online: boolean,
): PresenceHubEvent {
  return withFrameText(
    { kind: "presence", userId, online },
    () => ({ type: "presence", userId, online }),
  );
}

/** Wraps a typing notice for publishing; names are optional display hints. */
export function typingEvent(
  user: { id: string; username?: string; displayName?: string },
): TypingHubEvent {
  return withFrameText({ kind: "typing", userId: user.id }, () => ({
    type: "typing",
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
  }));
}

/** Wraps a membership change for publishing; `member` is shown by lists on a join. */
export function memberEvent(
  userId: string,
  joined: boolean,
  member?: Member,
): MemberHubEvent {
  return withFrameText(
    { kind: "member", userId, joined },
    () => ({ type: "member", userId, joined, member }),
  );
}

/**
 * A caught-up socket that takes a channel's next messages straight from the
 * hub, in one tight loop per message, instead of through its session.
 */
export interface ExpressLane {
  readonly socket: WebSocket;
  /** Unsent bytes past which the socket is handed back as too slow. */
  readonly maxBuffered: number;
  /** The hub hands the lane back: `lastSeq` was the last message sent on it. */
  leave(lastSeq: number, full: boolean): void;
  /**
   * The socket's subscriber, if it has one: while the socket is on the lane it
   * is not called for message events at all, so a message costs nothing per
   * caught-up socket beyond its send.
   */
  readonly listener?: HubListener;
}

/** A channel's subscribers, and those of them that hear message events. */
interface Subscribers {
  all: Set<HubListener>;
  messages: Set<HubListener>;
}

interface Lanes {
  members: Set<ExpressLane>;
  /** The seq of the last message sent on every lane of the channel. */
  seq: number;
  sends: number;
}

// Reading bufferedAmount costs about a quarter of a send, so lanes are looked
// at every few messages; a slow reader overshoots its limit by at most that many.
const LANE_CHECK_EVERY = 8;

/** Fans events out to a channel's subscribers, in this isolate and (with relay) others. */
export class Hub {
  #channels = new Map<string, Subscribers>();
  #control = new Set<(message: ControlMessage) => void>();
  #lanes = new Map<string, Lanes>();
  #relay: BroadcastChannel | null = null;
  #closed = false;

  /** Creates a hub; with `relay` it also joins the named `BroadcastChannel`. */
  constructor(opts: HubOptions = {}) {
    if (opts.relay) {
      const name = typeof opts.relay === "string"
        ? opts.relay
        : DEFAULT_RELAY_NAME;
      this.#relay = new BroadcastChannel(name);
      this.#relay.onmessage = (e: MessageEvent<RelayPacket>) =>
        this.#receive(e.data);
    }
  }

  /** Delivers `event` to every subscriber of `channelId`; call it only after the commit. */
  publish(channelId: string, event: HubEvent): void {
    if (this.#closed) return;
    if (this.#relay) {
      const packet: RelayPacket = { channelId, frameText: event.frameText };
      this.#relay.postMessage(packet);
    }
    this.#deliver(channelId, event);
  }

  /** Tells every instance (this one included) something only servers hear. */
  announce(message: ControlMessage): void {
    if (this.#closed) return;
    if (this.#relay) {
      const packet: RelayPacket = {
        channelId: CONTROL_CHANNEL,
        frameText: JSON.stringify(message),
      };
      this.#relay.postMessage(packet);
    }
    this.#tell(message);
  }

  /** Calls `listener` for each control message until the returned function is called. */
  onControl(listener: (message: ControlMessage) => void): () => void {
    if (this.#closed) return () => {};
    this.#control.add(listener);
    return () => this.#control.delete(listener);
  }

  #tell(message: ControlMessage): void {
    for (const listener of this.#control) {
      try {
        listener(message);
      } catch (err) {
        console.error("Hub control listener failed", err);
      }
    }
  }

  /** Calls `listener` for each event of `channelId` until the returned function is called. */
  subscribe(channelId: string, listener: HubListener): () => void {
    if (this.#closed) return () => {};
    let subscribers = this.#channels.get(channelId);
    if (!subscribers) {
      subscribers = { all: new Set(), messages: new Set() };
      this.#channels.set(channelId, subscribers);
    }
    subscribers.all.add(listener);
    subscribers.messages.add(listener);
    return () => {
      const current = this.#channels.get(channelId);
      if (!current?.all.delete(listener)) return;
      current.messages.delete(listener);
      // Drop empty sets so channels nobody watches cost no memory.
      if (current.all.size === 0) this.#channels.delete(channelId);
    };
  }

  /**
   * Puts a caught-up socket on the channel's express lane: true when its last
   * sent seq is where the lane stands (or it is the first), so no message can
   * be skipped or sent twice. Message events then bypass its listener.
   */
  enterLane(
    channelId: string,
    lane: ExpressLane,
    lastSentSeq: number,
  ): boolean {
    if (this.#closed) return false;
    const lanes = this.#lanes.get(channelId);
    if (!lanes) {
      this.#lanes.set(channelId, {
        members: new Set([lane]),
        seq: lastSentSeq,
        sends: 0,
      });
    } else if (lanes.seq !== lastSentSeq) return false;
    else lanes.members.add(lane);
    if (lane.listener) {
      this.#channels.get(channelId)?.messages.delete(lane.listener);
    }
    return true;
  }

  // A socket off the lane hears message events through its subscriber again.
  #offLane(channelId: string, lane: ExpressLane): void {
    const subscribers = this.#channels.get(channelId);
    if (lane.listener && subscribers?.all.has(lane.listener)) {
      subscribers.messages.add(lane.listener);
    }
  }

  /** Takes a socket off the express lane (its session ended); returns the lane's seq. */
  exitLane(channelId: string, lane: ExpressLane): number {
    const lanes = this.#lanes.get(channelId);
    if (!lanes?.members.delete(lane)) return lanes?.seq ?? 0;
    this.#offLane(channelId, lane);
    if (lanes.members.size === 0) this.#lanes.delete(channelId);
    return lanes.seq;
  }

  /** Where the channel's express lane stands: the last seq sent on it. */
  laneSeq(channelId: string): number {
    return this.#lanes.get(channelId)?.seq ?? 0;
  }

  /** Number of local listeners on `channelId`, for tests and metrics. */
  listenerCount(channelId: string): number {
    return this.#channels.get(channelId)?.all.size ?? 0;
  }

  /** Leaves the relay and forgets every listener; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#relay?.close();
    this.#relay = null;
    this.#channels.clear();
    this.#lanes.clear();
    this.#control.clear();
  }

  #deliver(channelId: string, event: HubEvent): void {
    if (event.kind === "message") this.#express(channelId, event);
    const subscribers = this.#channels.get(channelId);
    if (!subscribers) return;
    const listeners = event.kind === "message"
      ? subscribers.messages
      : subscribers.all;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        // One faulty subscriber must not stop delivery to the rest.
        console.error("Hub listener failed", err);
      }
    }
  }

  // Runs before the listeners, so a lane handed back here gets this very
  // message through its session, in order.
  #express(channelId: string, event: MessageHubEvent): void {
    const lanes = this.#lanes.get(channelId);
    if (!lanes) return;
    if (event.seq !== lanes.seq + 1) {
      // Out of order (a relayed message, a gap): every session sorts it out itself.
      this.#lanes.delete(channelId);
      for (const lane of lanes.members) {
        this.#offLane(channelId, lane);
        lane.leave(lanes.seq, false);
      }
      return;
    }
    const check = ++lanes.sends % LANE_CHECK_EVERY === 0;
    const text = event.frameText;
    for (const lane of lanes.members) {
      const socket = lane.socket;
      if (
        socket.readyState !== WebSocket.OPEN ||
        (check && socket.bufferedAmount > lane.maxBuffered)
      ) {
        lanes.members.delete(lane);
        this.#offLane(channelId, lane);
        lane.leave(lanes.seq, socket.readyState === WebSocket.OPEN);
        continue;
      }
      socket.send(text);
    }
    lanes.seq = event.seq;
    if (lanes.members.size === 0) this.#lanes.delete(channelId);
  }

  #receive(packet: RelayPacket): void {
    if (this.#closed) return;
    if (packet?.channelId === CONTROL_CHANNEL) {
      const message = controlFromText(packet.frameText);
      if (message) this.#tell(message);
      else console.error("Hub relay dropped a malformed control packet");
      return;
    }
    const event = eventFromFrameText(packet?.frameText);
    if (!event || typeof packet.channelId !== "string") {
      console.error("Hub relay dropped a malformed packet");
      return;
    }
    // Delivered locally only: re-posting would echo between isolates forever.
    this.#deliver(packet.channelId, event);
  }
}

function controlFromText(text: unknown): ControlMessage | null {
  if (typeof text !== "string") return null;
  try {
    const message = JSON.parse(text);
    if (message?.type === "revoked" && typeof message.jti === "string") {
      return { type: "revoked", jti: message.jti };
    }
    if (
      message?.type === "joined" && typeof message.userId === "string" &&
      typeof message.channelId === "string"
    ) {
      return {
        type: "joined",
        userId: message.userId,
        channelId: message.channelId,
      };
    }
    return null;
  } catch {
    return null;
  }
}

function withFrameText<T extends object>(
  fields: T,
  frame: () => ServerFrame,
): T & { readonly frameText: string } {
  let text: string | undefined;
  return Object.defineProperty(fields, "frameText", {
    get: () => text ??= JSON.stringify(frame()),
    enumerable: true,
  }) as T & { readonly frameText: string };
}

// Rebuilds an event from relayed text, reusing that text so a relayed event is
// not serialised again either.
function eventFromFrameText(text: unknown): HubEvent | null {
  if (typeof text !== "string") return null;
  let frame: ServerFrame;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  switch (frame?.type) {
    case "message":
      if (typeof frame.message?.seq !== "number") return null;
      return {
        kind: "message",
        seq: frame.message.seq,
        message: frame.message,
        frameText: text,
      };
    case "presence":
      return {
        kind: "presence",
        userId: frame.userId,
        online: frame.online,
        frameText: text,
      };
    case "typing":
      return { kind: "typing", userId: frame.userId, frameText: text };
    case "member":
      return {
        kind: "member",
        userId: frame.userId,
        joined: frame.joined,
        frameText: text,
      };
    default:
      return null;
  }
}

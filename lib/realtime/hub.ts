/**
 * The one place that owns real-time fan-out: `publish` after a commit,
 * `subscribe` per socket. Message events go first to the channel's express
 * lane (caught-up sockets, written directly), then to the listeners; with a
 * relay, events also reach the hubs of other isolates. Presence events are
 * gathered per channel and reach its listeners as one batch per window
 * (`_presence_batch.ts`).
 *
 * The event types and their constructors live in `hub_events.ts` and are
 * exported from here too, so callers need only this module.
 */
import type { ControlMessage, HubEvent, HubListener } from "./hub_events.ts";
import { type ExpressLane, ExpressLanes } from "./_express_lanes.ts";
import { DEFAULT_RELAY_NAME } from "./_relay.ts";
import { Relays } from "./_relays.ts";
import {
  PresenceBatches,
  type PresenceBatchOptions,
} from "./_presence_batch.ts";

export {
  channelDeletedEvent,
  type ChannelHubEvent,
  channelUpdatedEvent,
  type ControlMessage,
  type HubEvent,
  type HubListener,
  memberEvent,
  memberFaceEvent,
  type MemberFaceHubEvent,
  type MemberHubEvent,
  messageEvent,
  type MessageHubEvent,
  presenceEvent,
  type PresenceHubEvent,
  typingEvent,
  type TypingHubEvent,
  updateEvent,
  type UpdateHubEvent,
} from "./hub_events.ts";
import { errorFields, log } from "../log.ts";
export type { ExpressLane } from "./_express_lanes.ts";
export { DEFAULT_RELAY_NAME } from "./_relay.ts";

/** Options for {@linkcode Hub}. */
export interface HubOptions {
  /**
   * Relay events to other isolates over a `BroadcastChannel`: `true` uses the
   * name `"hearth-hub"`, a string picks the name. Off by default.
   */
  relay?: boolean | string;
  /**
   * Relay events through this KV database too (or only): each instance
   * watches the heads of the channels it has listeners for (`_kv_relay.ts`).
   */
  kvRelay?: Deno.Kv;
  /** How presence changes are batched per channel (window, online count). */
  presence?: PresenceBatchOptions;
}

// A channel's subscribers, and those of them that hear message events (all
// but the ones whose socket is on the express lane).
interface Subscribers {
  all: Set<HubListener>;
  messages: Set<HubListener>;
}

/** Fans events out to a channel's subscribers, in this isolate and (with relay) others. */
export class Hub {
  #channels = new Map<string, Subscribers>();
  #control = new Set<(message: ControlMessage) => void>();
  #watchers = new Set<(channelId: string, event: HubEvent) => void>();
  #lanes = new ExpressLanes((channelId, lane) =>
    this.#hearMessages(channelId, lane)
  );
  #relay: Relays | null = null;
  #closed = false;
  #presence: PresenceBatches;

  /** Creates a hub; with `relay` it joins the named `BroadcastChannel`, with `kvRelay` it watches KV. */
  constructor(opts: HubOptions = {}) {
    this.#presence = new PresenceBatches(
      (channelId, event) => this.#fanOut(channelId, event),
      { listeners: (id) => this.listenerCount(id), ...opts.presence },
    );
    if (opts.relay || opts.kvRelay) {
      const broadcast = !opts.relay
        ? undefined
        : typeof opts.relay === "string"
        ? opts.relay
        : DEFAULT_RELAY_NAME;
      this.#relay = new Relays({ broadcast, kv: opts.kvRelay }, {
        // Delivered locally only: re-posting would echo between isolates forever.
        event: (channelId, event) => this.#deliver(channelId, event),
        control: (message) => this.#tell(message),
      });
    }
  }

  /** Delivers `event` to every subscriber of `channelId`; call it only after the commit. */
  publish(channelId: string, event: HubEvent): void {
    if (this.#closed) return;
    if (this.#relay && !this.#relay.send(channelId, event)) return;
    this.#deliver(channelId, event);
  }

  /**
   * Delivers `event` to this instance's subscribers only: presence, which
   * each instance works out for its own sockets from the union it knows.
   */
  publishHere(channelId: string, event: HubEvent): void {
    if (!this.#closed) this.#deliver(channelId, event);
  }

  /** Tells every instance (this one included) something only servers hear. */
  announce(message: ControlMessage): void {
    if (this.#closed) return;
    this.#relay?.announce(message);
    this.#tell(message);
  }

  /** Calls `listener` for each control message until the returned function is called. */
  onControl(listener: (message: ControlMessage) => void): () => void {
    if (this.#closed) return () => {};
    this.#control.add(listener);
    return () => this.#control.delete(listener);
  }

  /**
   * Calls `watcher` for every event but presence delivered here, whatever its
   * channel (published here or relayed), until the returned function is
   * called; it adds no listener, so no channel is watched for it.
   */
  onEveryEvent(
    watcher: (channelId: string, event: HubEvent) => void,
  ): () => void {
    if (this.#closed) return () => {};
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** Calls `listener` for each event of `channelId` until the returned function is called. */
  subscribe(channelId: string, listener: HubListener): () => void {
    if (this.#closed) return () => {};
    let subscribers = this.#channels.get(channelId);
    if (!subscribers) {
      subscribers = { all: new Set(), messages: new Set() };
      this.#channels.set(channelId, subscribers);
      this.#relay?.watch(channelId);
    }
    subscribers.all.add(listener);
    subscribers.messages.add(listener);
    return () => {
      const current = this.#channels.get(channelId);
      if (!current?.all.delete(listener)) return;
      current.messages.delete(listener);
      // Drop empty sets so channels nobody watches cost no memory.
      if (current.all.size === 0) {
        this.#channels.delete(channelId);
        this.#relay?.unwatch(channelId);
      }
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
    if (!this.#lanes.enter(channelId, lane, lastSentSeq)) return false;
    if (lane.listener) {
      this.#channels.get(channelId)?.messages.delete(lane.listener);
    }
    return true;
  }

  /** Takes a socket off the express lane (its session ended); returns the lane's seq. */
  exitLane(channelId: string, lane: ExpressLane): number {
    return this.#lanes.exit(channelId, lane);
  }

  /** Where the channel's express lane stands: the last seq sent on it. */
  laneSeq(channelId: string): number {
    return this.#lanes.seq(channelId);
  }

  /** The channels with a local listener. */
  channelIds(): string[] {
    return [...this.#channels.keys()];
  }

  /** Number of local listeners on `channelId`, for tests and metrics. */
  listenerCount(channelId: string): number {
    return this.#channels.get(channelId)?.all.size ?? 0;
  }

  /** Resolves once what this hub relayed through KV so far is written. */
  async relaySettled(): Promise<void> {
    await this.#relay?.settled();
  }

  /** Leaves the relay and forgets every listener; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#relay?.close();
    this.#relay = null;
    this.#presence.close();
    this.#channels.clear();
    this.#lanes.clear();
    this.#control.clear();
    this.#watchers.clear();
  }

  // A socket off the lane hears message events through its subscriber again.
  #hearMessages(channelId: string, lane: ExpressLane): void {
    const subscribers = this.#channels.get(channelId);
    if (lane.listener && subscribers?.all.has(lane.listener)) {
      subscribers.messages.add(lane.listener);
    }
  }

  #deliver(channelId: string, event: HubEvent): void {
    // Presence reaches sockets in per-channel batches; nobody here, nothing to gather.
    if (event.kind === "presence") {
      if (this.#channels.has(channelId)) {
        this.#presence.add(channelId, event.changes);
      }
      return;
    }
    for (const watcher of this.#watchers) {
      try {
        watcher(channelId, event);
      } catch (err) {
        log("error", "hub watcher failed", errorFields(err));
      }
    }
    this.#fanOut(channelId, event);
  }

  #fanOut(channelId: string, event: HubEvent): void {
    if (event.kind === "message") this.#lanes.send(channelId, event);
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
        log("error", "hub listener failed", errorFields(err));
      }
    }
  }

  #tell(message: ControlMessage): void {
    for (const listener of this.#control) {
      try {
        listener(message);
      } catch (err) {
        log("error", "hub control listener failed", errorFields(err));
      }
    }
  }
}

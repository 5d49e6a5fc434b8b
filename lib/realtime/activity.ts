/**
 * Live unread badges: a socket open on one channel also hears, in a few
 * bytes, that its user's other channels moved on.
 *
 * The watch subscribes to those channels' hub events (so it works across
 * instances through the relay, like everything else) and turns their message
 * events into `activity` frames carrying only the channel and its latest seq,
 * never content. A busy channel sends at most one frame per `intervalMs`: the
 * first at once, then the latest seq when the interval is up. A user who
 * leaves a channel stops hearing of it at once.
 *
 * The watch is also the user's own line to every open page: it tells the
 * page when the user is added to a channel (`channel_added`), when one of
 * their channels is renamed (`channel_updated`), and when one is gone for
 * them (`channel_removed`: they left or were removed, or it was deleted), and
 * when their friends, requests or blocks changed (`friends_changed`), so
 * sidebars and badges follow without a reload.
 */
import type {
  ActivityFrame,
  ChannelAddedFrame,
  ChannelRemovedFrame,
  FriendsChangedFrame,
} from "../shared/wire.ts";
import type { Hub, HubEvent } from "./hub.ts";

interface Watched {
  unsubscribe(): void;
  sentAt: number;
  /** The seq to send when the interval is up; 0 for none. */
  pendingSeq: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const DEFAULT_INTERVAL_MS = 1000;

/** Options for {@linkcode ActivityWatch}. */
export interface ActivityOptions {
  /** Least time between two frames about one channel. */
  intervalMs?: number;
  /** The socket's own channel: its messages arrive as they are, never as activity. */
  except?: string;
}

/** One socket's watch over its user's other channels. */
export class ActivityWatch {
  #hub: Hub;
  #userId: string;
  #send: (frameText: string) => void;
  #intervalMs: number;
  #except: string | undefined;
  #watched = new Map<string, Watched>();
  #closed = false;
  #offControl: () => void;

  /** `send` writes a frame to the socket; `userId` is whose channels these are. */
  constructor(
    hub: Hub,
    userId: string,
    send: (frameText: string) => void,
    opts: ActivityOptions = {},
  ) {
    this.#hub = hub;
    this.#userId = userId;
    this.#send = send;
    this.#intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.#except = opts.except;
    // A channel the user joins from anywhere is watched from then on, and
    // the page hears of it.
    this.#offControl = hub.onControl((message) => {
      if (message.type === "friends" && message.userId === this.#userId) {
        if (this.#closed) return;
        const frame: FriendsChangedFrame = { type: "friends_changed" };
        this.#send(JSON.stringify(frame));
        return;
      }
      if (message.type !== "joined" || message.userId !== this.#userId) return;
      const { channelId, channel } = message;
      if (
        this.#closed || channelId === this.#except ||
        this.#watched.has(channelId)
      ) return;
      this.watch([channelId]);
      if (channel) {
        const frame: ChannelAddedFrame = { type: "channel_added", channel };
        this.#send(JSON.stringify(frame));
      }
    });
  }

  /** Starts hearing of these channels (ones already watched are skipped). */
  watch(channelIds: Iterable<string>): void {
    for (const channelId of channelIds) {
      if (
        this.#closed || channelId === this.#except ||
        this.#watched.has(channelId)
      ) continue;
      const watched: Watched = {
        unsubscribe: () => {},
        sentAt: -Infinity,
        pendingSeq: 0,
        timer: undefined,
      };
      watched.unsubscribe = this.#hub.subscribe(
        channelId,
        (event) => this.#hear(channelId, watched, event),
      );
      this.#watched.set(channelId, watched);
    }
  }

  /** The channels being watched, for tests. */
  get channels(): string[] {
    return [...this.#watched.keys()];
  }

  /** Stops everything; later events and calls do nothing. */
  close(): void {
    this.#closed = true;
    this.#offControl();
    for (const channelId of [...this.#watched.keys()]) this.#unwatch(channelId);
  }

  #hear(channelId: string, watched: Watched, event: HubEvent): void {
    if (event.kind === "member") {
      if (event.userId === this.#userId && !event.joined) {
        this.#unwatch(channelId);
        const frame: ChannelRemovedFrame = {
          type: "channel_removed",
          channelId,
          reason: event.removed ? "removed" : "left",
        };
        this.#send(JSON.stringify(frame));
      }
      return;
    }
    if (event.kind === "channel") {
      if (event.deleted) this.#unwatch(channelId);
      this.#send(event.frameText);
      return;
    }
    if (event.kind !== "message") return;
    watched.pendingSeq = Math.max(watched.pendingSeq, event.seq);
    if (watched.timer !== undefined) return;
    const wait = watched.sentAt + this.#intervalMs - performance.now();
    if (wait <= 0) this.#flush(channelId, watched);
    else {
      watched.timer = setTimeout(() => {
        watched.timer = undefined;
        this.#flush(channelId, watched);
      }, wait);
    }
  }

  #flush(channelId: string, watched: Watched): void {
    if (this.#closed || watched.pendingSeq === 0) return;
    const frame: ActivityFrame = {
      type: "activity",
      channelId,
      lastSeq: watched.pendingSeq,
    };
    watched.pendingSeq = 0;
    watched.sentAt = performance.now();
    this.#send(JSON.stringify(frame));
  }

  #unwatch(channelId: string): void {
    const watched = this.#watched.get(channelId);
    if (!watched) return;
    this.#watched.delete(channelId);
    clearTimeout(watched.timer);
    watched.unsubscribe();
  }
}

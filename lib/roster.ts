/**
 * Channel member lists held in memory for a few seconds.
 *
 * Every socket's `ready` frame lists its channel's members. When many sockets
 * open at once (a server restart, a big channel coming back online), reading
 * the list from KV per socket costs one range read and a `getMany` per ten
 * members each time, and the churn of those reads leaves the allocator's heap
 * fragmented, which slows every later send. One read per channel serves them
 * all instead.
 *
 * A join or leave publishes a `member` event on the hub (relayed to other
 * instances too), which drops the channel's list at once; a changed display
 * name drops every list here, and other instances see it within `ttlMs`.
 */
import type { User } from "./db/users.ts";
import type { Hub } from "./realtime/hub.ts";

/** How long a list is reused, and how many channels are remembered. */
export interface RosterOptions {
  ttlMs?: number;
  maxChannels?: number;
  /** Milliseconds on a monotonic clock; `performance.now` unless a test injects a fake one. */
  now?: () => number;
}

interface Entry {
  loadedAt: number;
  members: Promise<User[]>;
  unsubscribe(): void;
}

const DEFAULT_TTL_MS = 5_000;
const DEFAULT_MAX_CHANNELS = 256;

/** Recently read member lists, one per channel, dropped when membership changes. */
export class Roster {
  #load: (channelId: string) => Promise<User[]>;
  #hub: Hub;
  #ttlMs: number;
  #maxChannels: number;
  #now: () => number;
  #entries = new Map<string, Entry>();

  /** `load` reads a channel's members from storage; `hub` tells of joins and leaves. */
  constructor(
    load: (channelId: string) => Promise<User[]>,
    hub: Hub,
    opts: RosterOptions = {},
  ) {
    this.#load = load;
    this.#hub = hub;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxChannels = opts.maxChannels ?? DEFAULT_MAX_CHANNELS;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** The channel's members, read at most once per `ttlMs` and per membership change. */
  members(channelId: string): Promise<User[]> {
    // Entries sit in the Map in the order they were read, so the stale ones
    // are at the front: dropping them here keeps idle channels from holding
    // their lists (and hub subscriptions) until the cap pushes them out.
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (now - entry.loadedAt < this.#ttlMs) break;
      this.#drop(id, entry);
    }
    const cached = this.#entries.get(channelId);
    if (cached) return cached.members;
    // Subscribed before reading, so a join committed during the read drops it.
    const entry: Entry = {
      loadedAt: now,
      members: Promise.resolve([]),
      unsubscribe: this.#hub.subscribe(channelId, (event) => {
        if (event.kind === "member") this.#drop(channelId, entry);
      }),
    };
    entry.members = this.#load(channelId);
    // A failed read is not remembered; its callers see the error.
    entry.members.catch(() => this.#drop(channelId, entry));
    this.#entries.set(channelId, entry);
    if (this.#entries.size > this.#maxChannels) {
      const [oldest, old] = this.#entries.entries().next().value!;
      this.#drop(oldest, old);
    }
    return entry.members;
  }

  /** Drops every list, so the next read sees a renamed member at once. */
  forget(): void {
    for (const [channelId, entry] of this.#entries) {
      this.#drop(channelId, entry);
    }
  }

  /** Number of channels whose list is held, for tests. */
  get size(): number {
    return this.#entries.size;
  }

  #drop(channelId: string, entry: Entry): void {
    if (this.#entries.get(channelId) !== entry) return;
    this.#entries.delete(channelId);
    entry.unsubscribe();
  }
}

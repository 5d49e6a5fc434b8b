/**
 * Channels' stored records as the posting rules read them, held in memory
 * instead of read from KV for every post (a busy channel's posts would each
 * pay a KV read for a record that changes a few times a year).
 *
 * A record is dropped the moment its channel changes: a rename, topic, slow
 * mode or post policy change publishes a `channel` event on the hub (and a
 * deletion another), which other instances hear through the relay too. A
 * record is also read afresh after `ttlMs`, which bounds how long an instance
 * that missed an event (no relay between processes) keeps an old rule.
 */
import { type ChannelRecord, getChannelRecords } from "../db/_channel_store.ts";
import type { Services } from "../services.ts";

/** How long a record is reused at most, and how many channels are kept. */
export interface RulesCacheOptions {
  ttlMs?: number;
  maxChannels?: number;
  /** Milliseconds on a monotonic clock; a test may pass a fake one. */
  now?: () => number;
}

interface Entry {
  loadedAt: number;
  record: Promise<ChannelRecord | undefined>;
  unsubscribe(): void;
}

const DEFAULT_TTL_MS = 5_000;
const DEFAULT_MAX_CHANNELS = 1024;

/** Channel records for the posting rules of one set of services. */
export class ChannelRulesCache {
  #services: Pick<Services, "kv" | "hub">;
  #ttlMs: number;
  #maxChannels: number;
  #now: () => number;
  #entries = new Map<string, Entry>();

  /** A cache reading from `services.kv`, told of changes by `services.hub`. */
  constructor(
    services: Pick<Services, "kv" | "hub">,
    opts: RulesCacheOptions = {},
  ) {
    this.#services = services;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxChannels = opts.maxChannels ?? DEFAULT_MAX_CHANNELS;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** The channel's record (undefined: no such channel), read at most once per change or `ttlMs`. */
  record(channelId: string): Promise<ChannelRecord | undefined> {
    const now = this.#now();
    const cached = this.#entries.get(channelId);
    if (cached && now - cached.loadedAt < this.#ttlMs) return cached.record;
    if (cached) this.#drop(channelId, cached);
    // Subscribed before reading, so a change committed during the read drops it.
    const entry: Entry = {
      loadedAt: now,
      record: Promise.resolve(undefined),
      unsubscribe: this.#services.hub.subscribe(channelId, (event) => {
        if (event.kind === "channel") this.#drop(channelId, entry);
      }),
    };
    entry.record = getChannelRecords(this.#services.kv, [channelId]).then((
      [record],
    ) => record);
    // A failed read is not remembered; its caller sees the error.
    entry.record.catch(() => this.#drop(channelId, entry));
    this.#entries.set(channelId, entry);
    if (this.#entries.size > this.#maxChannels) {
      const [oldest, old] = this.#entries.entries().next().value!;
      this.#drop(oldest, old);
    }
    return entry.record;
  }

  #drop(channelId: string, entry: Entry): void {
    if (this.#entries.get(channelId) !== entry) return;
    this.#entries.delete(channelId);
    entry.unsubscribe();
  }
}

const caches = new WeakMap<Services, ChannelRulesCache>();

/** The cache of `services`, made on first use. */
export function rulesCacheOf(services: Services): ChannelRulesCache {
  let cache = caches.get(services);
  if (cache === undefined) {
    cache = new ChannelRulesCache(services);
    caches.set(services, cache);
  }
  return cache;
}

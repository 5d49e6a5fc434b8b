/**
 * Whether a person is timed out, held in memory instead of read from KV for
 * every write they make: each post paid a KV read, queued behind the
 * channel's commits, for a record that is almost always absent.
 *
 * A person's entry is dropped the moment a moderator times them out or lifts
 * it (`moderation.ts` announces `timeout` on the hub, which other instances
 * hear through the relay). It is also read afresh after `ttlMs`, which bounds
 * how long an instance that missed the announcement (no relay between
 * processes) lets a timed-out person write. A timeout that ends is seen at
 * once: the end time is kept, not the answer.
 */
import { timedOutUntil } from "../db/timeouts.ts";
import type { Services } from "../services.ts";

/** How long an entry is reused at most, and how many people are kept. */
export interface TimeoutsCacheOptions {
  ttlMs?: number;
  maxUsers?: number;
  /** Milliseconds on a monotonic clock; a test may pass a fake one. */
  now?: () => number;
}

interface Entry {
  loadedAt: number;
  until: Promise<string | null>;
}

const DEFAULT_TTL_MS = 5_000;
const DEFAULT_MAX_USERS = 10_000;

/** People's timeouts for the writes of one set of services. */
export class TimeoutsCache {
  #kv: Deno.Kv;
  #ttlMs: number;
  #maxUsers: number;
  #now: () => number;
  #entries = new Map<string, Entry>();

  /** A cache reading from `services.kv`, told of changes by `services.hub`. */
  constructor(
    services: Pick<Services, "kv" | "hub">,
    opts: TimeoutsCacheOptions = {},
  ) {
    this.#kv = services.kv;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxUsers = opts.maxUsers ?? DEFAULT_MAX_USERS;
    this.#now = opts.now ?? (() => performance.now());
    // Lives as long as the hub: its listeners end when it closes.
    services.hub.onControl((message) => {
      if (message.type === "timeout") this.#entries.delete(message.userId);
    });
  }

  /** When `userId`'s timeout ends, or null when they are not timed out (see `timedOutUntil`). */
  async until(userId: string): Promise<string | null> {
    const until = await this.#entry(userId).until;
    return until !== null && Date.parse(until) > Date.now() ? until : null;
  }

  #entry(userId: string): Entry {
    const now = this.#now();
    const cached = this.#entries.get(userId);
    if (cached && now - cached.loadedAt < this.#ttlMs) return cached;
    // A change announced while this is read drops it.
    const entry: Entry = {
      loadedAt: now,
      until: timedOutUntil(this.#kv, userId),
    };
    // A failed read is not remembered; its caller sees the error.
    entry.until.catch(() => {
      if (this.#entries.get(userId) === entry) this.#entries.delete(userId);
    });
    this.#entries.delete(userId);
    this.#entries.set(userId, entry);
    if (this.#entries.size > this.#maxUsers) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return entry;
  }
}

const caches = new WeakMap<Services, TimeoutsCache>();

/** The cache of `services`, made on first use. */
export function timeoutsOf(services: Services): TimeoutsCache {
  let cache = caches.get(services);
  if (cache === undefined) {
    cache = new TimeoutsCache(services);
    caches.set(services, cache);
  }
  return cache;
}

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
import { ExpiringReads } from "./_expiring_reads.ts";

/** How long an entry is reused at most, and how many people are kept. */
export interface TimeoutsCacheOptions {
  ttlMs?: number;
  maxUsers?: number;
  /** Milliseconds on a monotonic clock; a test may pass a fake one. */
  now?: () => number;
}

/** People's timeouts for the writes of one set of services. */
export class TimeoutsCache {
  #kv: Deno.Kv;
  #reads: ExpiringReads<string, string | null>;

  /** A cache reading from `services.kv`, told of changes by `services.hub`. */
  constructor(
    services: Pick<Services, "kv" | "hub">,
    opts: TimeoutsCacheOptions = {},
  ) {
    this.#kv = services.kv;
    this.#reads = new ExpiringReads({ ...opts, maxKeys: opts.maxUsers });
    // Lives as long as the hub: its listeners end when it closes.
    services.hub.onControl((message) => {
      if (message.type === "timeout") this.#reads.drop(message.userId);
    });
  }

  /** When `userId`'s timeout ends, or null when they are not timed out (see `timedOutUntil`). */
  async until(userId: string): Promise<string | null> {
    const until = await this.#reads.get(
      userId,
      () => timedOutUntil(this.#kv, userId),
    );
    return until !== null && Date.parse(until) > Date.now() ? until : null;
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

/**
 * The bots with an outgoing webhook, held in memory instead of listed from
 * KV for every message: each post paid a scan of every bot's record, and most
 * servers have no hooked bot at all.
 *
 * The list is dropped the moment a webhook is set, changed or turned off or
 * a bot is deleted (`bots.ts` announces `bots` on the hub, which other
 * instances hear through the relay). It is also read afresh after `ttlMs`,
 * which bounds how long an instance that missed the announcement (no relay
 * between processes) keeps an old list.
 */
import { type BotRecord, listHookedBots } from "../db/bots.ts";
import type { Services } from "../services.ts";
import { ExpiringReads } from "./_expiring_reads.ts";

/** How long the list is reused at most. */
export interface HookedBotsOptions {
  ttlMs?: number;
  /** Milliseconds on a monotonic clock; a test may pass a fake one. */
  now?: () => number;
}

/** The hooked bots of one set of services. */
export class HookedBotsCache {
  #kv: Deno.Kv;
  #reads: ExpiringReads<"bots", BotRecord[]>;

  /** A cache reading from `services.kv`, told of changes by `services.hub`. */
  constructor(
    services: Pick<Services, "kv" | "hub">,
    opts: HookedBotsOptions = {},
  ) {
    this.#kv = services.kv;
    this.#reads = new ExpiringReads(opts);
    // Lives as long as the hub: its listeners end when it closes.
    services.hub.onControl((message) => {
      if (message.type === "bots") this.#reads.drop("bots");
    });
  }

  /** The bots with a webhook that are not deleted, listed at most once per change or `ttlMs`. */
  list(): Promise<BotRecord[]> {
    return this.#reads.get("bots", () => listHookedBots(this.#kv));
  }
}

const caches = new WeakMap<Services, HookedBotsCache>();

/** The cache of `services`, made on first use. */
export function hookedBotsOf(services: Services): HookedBotsCache {
  let cache = caches.get(services);
  if (cache === undefined) {
    cache = new HookedBotsCache(services);
    caches.set(services, cache);
  }
  return cache;
}

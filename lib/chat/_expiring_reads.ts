/**
 * Reads from KV kept in memory per key for a while: the shared mechanism of
 * the per-instance caches on the post path (hooked bots, timeouts). An entry
 * is reused until `ttlMs` passes or its owner drops it (on a hub message); a
 * failed read is not remembered, and the oldest key goes past `maxKeys`.
 */

/** How long an entry is reused at most, and how many keys are kept. */
export interface ExpiringReadsOptions {
  ttlMs?: number;
  maxKeys?: number;
  /** Milliseconds on a monotonic clock; a test may pass a fake one. */
  now?: () => number;
}

const DEFAULT_TTL_MS = 5_000;
const DEFAULT_MAX_KEYS = 10_000;

/** Promises of reads by key, each reused until it expires or is dropped. */
export class ExpiringReads<K, V> {
  #ttlMs: number;
  #maxKeys: number;
  #now: () => number;
  #entries = new Map<K, { loadedAt: number; value: Promise<V> }>();

  /** Keeps reads for `opts.ttlMs` (5 s by default), at most `opts.maxKeys` keys. */
  constructor(opts: ExpiringReadsOptions = {}) {
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** The kept read of `key`, or a new one by `read`. */
  get(key: K, read: () => Promise<V>): Promise<V> {
    const now = this.#now();
    const cached = this.#entries.get(key);
    if (cached && now - cached.loadedAt < this.#ttlMs) return cached.value;
    // A drop announced while this is read drops it.
    const entry = { loadedAt: now, value: read() };
    // A failed read is not remembered; its caller sees the error.
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxKeys) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return entry.value;
  }

  /** Forgets `key`'s read: the next `get` reads again. */
  drop(key: K): void {
    this.#entries.delete(key);
  }
}

/**
 * Per-user caps, so one account cannot flood a channel, the channel list or
 * the server's sockets: messages per second with a burst and sockets open at
 * once (both counted on this instance, in memory: they guard a process), and
 * channels created per hour (kept in KV with the other rate limits, so every
 * instance shares it). `HEARTH_USER_LIMITS=off` lifts those three for load
 * tests; the storage cap (a size limit, checked in files.ts) and the sign-in
 * limits never move.
 */
import { ApiError } from "../errors.ts";

/** The caps; `enabled: false` lifts them. */
export interface UserLimits {
  enabled: boolean;
  /** Messages a user may post per second once their burst is spent. */
  messagesPerSecond: number;
  /** Messages a user may post at once. */
  messageBurst: number;
  /** Channels a user may create per hour (all of them at once, then one every hour / N). */
  channelsPerHour: number;
  /** Sockets a user may have open at once on this instance. */
  socketsPerUser: number;
  /** Bytes of files a user may share in all; a size limit, so `enabled` does not lift it. */
  storageBytes: number;
}

/** How long a refused socket is told to wait: about as long as a page takes to close one. */
const SOCKET_RETRY_SECONDS = 5;

// Buckets past this many are pruned of the full ones (users who are quiet).
const PRUNE_AT = 10_000;

/** A 429 `rate_limited` with `Retry-After`, saying what was limited. */
export function rateLimited(
  detail: string,
  retryAfterSeconds: number,
): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(
    429,
    "rate_limited",
    `${detail}; try again in ${seconds} s`,
    {
      "Retry-After": String(seconds),
    },
  );
}

/**
 * The message and socket caps as the use cases call them; a serving worker's
 * copy asks the main thread, which holds one count for the whole process.
 */
export interface Quotas {
  readonly limits: UserLimits;
  /** Spends one message of `userId`'s budget, or throws (rejects with) a 429. */
  takeMessage(userId: string): void | Promise<void>;
  /** Counts a socket of `userId` (or throws a 429); call the returned function when it closes. */
  openSocket(userId: string): (() => void) | Promise<() => void>;
}

/** The in-memory counters behind the message and socket caps. */
export class UserQuotas implements Quotas {
  readonly limits: UserLimits;
  #now: () => number;
  #buckets = new Map<string, { tokens: number; at: number }>();
  #sockets = new Map<string, number>();

  /** Counters for `limits`; tests inject the clock. */
  constructor(limits: UserLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.#now = now;
  }

  /** Spends one message of `userId`'s budget, or throws a 429. */
  takeMessage(userId: string): void {
    const { enabled, messagesPerSecond: rate, messageBurst: burst } =
      this.limits;
    if (!enabled) return;
    const now = this.#now();
    const bucket = this.#buckets.get(userId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + ((now - bucket.at) / 1000) * rate,
    );
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(userId, bucket);
      throw rateLimited(
        `You can send ${rate} messages a second (${burst} at once)`,
        (1 - bucket.tokens) / rate,
      );
    }
    bucket.tokens -= 1;
    this.#buckets.set(userId, bucket);
    if (this.#buckets.size > PRUNE_AT) this.#prune(now);
  }

  /** Counts a socket of `userId` (or throws a 429); call the returned function when it closes. */
  openSocket(userId: string): () => void {
    const open = this.#sockets.get(userId) ?? 0;
    if (this.limits.enabled && open >= this.limits.socketsPerUser) {
      throw rateLimited(
        `You have ${open} sockets open, the most one account may`,
        SOCKET_RETRY_SECONDS,
      );
    }
    this.#sockets.set(userId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#sockets.get(userId) ?? 1) - 1;
      if (left > 0) this.#sockets.set(userId, left);
      else this.#sockets.delete(userId);
    };
  }

  #prune(now: number): void {
    const { messagesPerSecond: rate, messageBurst: burst } = this.limits;
    for (const [userId, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * rate >= burst) {
        this.#buckets.delete(userId);
      }
    }
  }
}

/** Rate limits kept in Deno KV, shared by every instance on one database. */
import { rateLimitKey } from "../db/_keys.ts";
import { retryAtomic } from "../db/_kv.ts";
import { ApiError } from "../errors.ts";

/** A named limit: at most `limit` hits in any `windowMs`, refilling one hit every `windowMs / limit`. */
export interface RateLimitConfig {
  /** Names the limit's KV keys, so limits never share counters. */
  name: string;
  /** Hits allowed in a burst. */
  limit: number;
  /** Time in which a full burst refills. */
  windowMs: number;
}

/**
 * Failed logins per (client address, lowercased username): a burst of 10,
 * then one more every 90 seconds. Someone mistyping five times is never
 * refused, while an online guesser gets about a thousand tries a day.
 */
export const LOGIN_FAILURES: RateLimitConfig = {
  name: "login_failures",
  limit: 10,
  windowMs: 15 * 60 * 1000,
};

/**
 * Failed logins per client address across every username: a burst of 100,
 * then one more every 9 seconds. It stops one address from guessing at many
 * usernames (10 each under `LOGIN_FAILURES`) or flooding the bcrypt workers,
 * while a household or office behind one address, each person mistyping a
 * few times, stays far below it. A successful login gives back only its own
 * hit, never earlier failures: otherwise one valid account would let its
 * owner wipe the budget between guesses at others.
 */
export const LOGIN_FAILURES_PER_ADDRESS: RateLimitConfig = {
  name: "login_failures_by_address",
  limit: 100,
  windowMs: 15 * 60 * 1000,
};

/**
 * Registrations per client address: a burst of 50, then one more every 72
 * seconds. A family or club signing up twenty accounts from one address in
 * an hour is never refused; a script creating thousands is.
 */
export const REGISTRATIONS: RateLimitConfig = {
  name: "registrations",
  limit: 50,
  windowMs: 60 * 60 * 1000,
};

/** The outcome of `check()` or `hit()`. */
export interface RateLimitResult {
  /** Whether the hit is (or would be) allowed. */
  ok: boolean;
  /** Whole seconds until a hit would be allowed; 0 when `ok`. */
  retryAfterSeconds: number;
  /** Hits still allowed right now after this one (for `check()`, after a hit now). */
  remaining: number;
}

/** Options for `RateLimiter` beyond its `RateLimitConfig`. */
export interface RateLimiterOptions extends RateLimitConfig {
  /** The clock, in milliseconds since the epoch; tests inject one. */
  now?: () => number;
}

// Theoretical arrival times are sums of fractional intervals on epoch
// milliseconds; this absorbs their rounding without letting a hit through early.
const TOLERANCE_MS = 0.5;
// Keys longer than this are hashed, keeping KV keys far below their 2 KiB cap.
const MAX_RAW_KEY_LENGTH = 200;

interface Verdict {
  ok: boolean;
  next: number;
  retryAfterMs: number;
  remaining: number;
}

/**
 * A generic cell rate limiter (a token bucket kept as one timestamp per key).
 * `hit()` is atomic across concurrent callers and instances.
 *
 * To count only failed logins: `hit()` before checking the password, refuse
 * with `tooManyRequests()` if not `ok`, and `reset()` on success. Calling
 * `check()` first and `hit()` after a failure would let a parallel burst of
 * guesses all pass the check while bcrypt runs. `refund()` instead of
 * `reset()` forgets only that one hit.
 */
export class RateLimiter {
  /** The limit this limiter enforces. */
  readonly config: RateLimitConfig;
  readonly #kv: Deno.Kv;
  readonly #now: () => number;
  readonly #interval: number;
  // Per key, the end of the last hit or refund queued in this process.
  readonly #tails = new Map<string, Promise<void>>();

  /** Creates a limiter over `kv`; several limiters may share one KV if their names differ. */
  constructor(kv: Deno.Kv, options: RateLimiterOptions) {
    const { name, limit, windowMs, now = Date.now } = options;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Rate limit must be a positive integer, got ${limit}`,
      );
    }
    if (!(windowMs / limit >= 1)) {
      throw new RangeError(
        `Rate limit window must allow at least 1 ms per hit, got ${windowMs} ms for ${limit}`,
      );
    }
    this.config = { name, limit, windowMs };
    this.#kv = kv;
    this.#now = now;
    this.#interval = windowMs / limit;
  }

  /** Whether a hit for `key` would be allowed now, without recording one. */
  async check(key: string): Promise<RateLimitResult> {
    const entry = await this.#kv.get(await this.#kvKey(key));
    return result(this.#judge(entry.value, this.#now()));
  }

  /** Records a hit for `key` if allowed; a refused hit records nothing. */
  hit(key: string): Promise<RateLimitResult> {
    return this.#oneAtATime(key, () => this.#hit(key));
  }

  async #hit(key: string): Promise<RateLimitResult> {
    const kvKey = await this.#kvKey(key);
    return await retryAtomic(
      `rate limit "${this.config.name}"`,
      async () => {
        const entry = await this.#kv.get(kvKey);
        const now = this.#now();
        const verdict = this.#judge(entry.value, now);
        if (!verdict.ok) return { value: result(verdict) };
        // Once the arrival time has passed the key is at full allowance, so
        // the entry has no reason to outlive it.
        const expireIn = Math.max(1, Math.ceil(verdict.next - now));
        const op = this.#kv.atomic()
          .check(entry)
          .set(kvKey, verdict.next, { expireIn });
        return { op, value: result(verdict) };
      },
      () =>
        new Error(
          `Rate limiter "${this.config.name}" could not record a hit among too many concurrent ones`,
        ),
    );
  }

  /** Gives back one hit for `key`, e.g. the one a successful login made before its password was checked. */
  refund(key: string): Promise<void> {
    return this.#oneAtATime(key, () => this.#refund(key));
  }

  /**
   * Runs `work` after the hits and refunds for `key` queued before it in this
   * process. Parallel read-check-writes of one key otherwise conflict and
   * retry; over a remote KV (KV Connect, a round trip per read and commit) a
   * burst of 120 ran some out of retries (500s in a login flood). Other
   * processes' hits still conflict and retry as before.
   */
  #oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(() => {}, () => {});
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }

  async #refund(key: string): Promise<void> {
    const kvKey = await this.#kvKey(key);
    await retryAtomic(
      `rate limit "${this.config.name}"`,
      async () => {
        const entry = await this.#kv.get(kvKey);
        const now = this.#now();
        const stored = entry.value;
        // Already at full allowance: there is no hit left to give back.
        if (typeof stored !== "number" || stored <= now) {
          return { value: undefined };
        }
        const next = stored - this.#interval;
        const op = this.#kv.atomic().check(entry);
        if (next > now) {
          op.set(kvKey, next, { expireIn: Math.max(1, Math.ceil(next - now)) });
        } else {
          op.delete(kvKey);
        }
        return { op, value: undefined };
      },
      () =>
        new Error(
          `Rate limiter "${this.config.name}" could not refund a hit among too many concurrent ones`,
        ),
    );
  }

  /** Forgets every hit for `key`, e.g. after a successful login. */
  async reset(key: string): Promise<void> {
    await this.#kv.delete(await this.#kvKey(key));
  }

  #judge(stored: unknown, now: number): Verdict {
    const { limit, windowMs } = this.config;
    const tat = typeof stored === "number" && stored > now ? stored : now;
    const next = tat + this.#interval;
    const over = next - now - windowMs;
    if (over > TOLERANCE_MS) {
      return { ok: false, next: tat, retryAfterMs: over, remaining: 0 };
    }
    const free = (windowMs - (next - now) + TOLERANCE_MS) / this.#interval;
    return {
      ok: true,
      next,
      retryAfterMs: 0,
      remaining: Math.min(limit - 1, Math.floor(free)),
    };
  }

  async #kvKey(key: string): Promise<Deno.KvKey> {
    if (key.length <= MAX_RAW_KEY_LENGTH) {
      return rateLimitKey(this.config.name, key);
    }
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(key),
    );
    return rateLimitKey(this.config.name, new Uint8Array(digest));
  }
}

function result(verdict: Verdict): RateLimitResult {
  return {
    ok: verdict.ok,
    retryAfterSeconds: verdict.ok
      ? 0
      : Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)),
    remaining: verdict.remaining,
  };
}

/** The 429 error for a refused request, with its `Retry-After` header. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const unit = seconds === 1 ? "second" : "seconds";
  return new ApiError(
    429,
    "rate_limited",
    `Too many attempts, try again in ${seconds} ${unit}`,
    { "Retry-After": String(seconds) },
  );
}

/**
 * The part of a client address that identifies one client: IPv4 as is, an
 * IPv6 address reduced to its /64, since one host usually holds a whole /64
 * and could otherwise pick a fresh address per attempt.
 */
export function clientAddressKey(hostname: string): string {
  const address = hostname.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  const halves = address.split("::");
  if (halves.length > 2) return address;
  const toGroups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  const groups = halves.length === 2
    ? [
      ...head,
      ...Array(Math.max(0, 8 - head.length - tail.length)).fill("0"),
      ...tail,
    ]
    : head;
  const prefix = groups.slice(0, 4);
  if (prefix.length < 4 || !prefix.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) {
    return address;
  }
  return `${prefix.map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}

/** The `RateLimiter` key for login failures: client address and lowercased username. */
export function loginAttemptKey(hostname: string, username: string): string {
  return `${clientAddressKey(hostname)}|${username.toLowerCase()}`;
}

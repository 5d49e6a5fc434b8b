/**
 * The one retry policy for Deno KV: how many times an optimistic write is
 * attempted, how long it waits between attempts, and what counts as a lost
 * race. Every read-check-commit loop in Hearth runs through `retryAtomic`,
 * and every read that may meet a locked SQLite file through `LockRetries`.
 */
import { ApiError } from "../errors.ts";

// Enough for a hundred writers racing for one key: each round lets at least
// one through, and the jitter spreads the rest over the next rounds.
const MAX_ATTEMPTS = 30;

/** What one attempt of `retryAtomic` staged. */
export interface Attempt<T> {
  /** The writes to commit, with their checks; absent when there is nothing to write. */
  op?: Deno.AtomicOperation;
  /** What `retryAtomic` answers once `op` has committed (at once without `op`). */
  value: T;
  /** Called with the commit's versionstamp, before `value` is answered. */
  committed?(versionstamp: string): void;
}

/*
 * Whether `error` is SQLite's "database is locked". It only happens when
 * several handles share one database file (tests, a second process, an
 * export beside a server); SQLite applied nothing, so repeating is safe.
 */
function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}

/** Waits a small random time before retry number `attempt` (0-based). */
function backoff(attempt: number): Promise<void> {
  // Full jitter on a capped exponential window: 1, 2, 4 ... 50 ms. Random
  // spreading keeps contending writers from retrying in lockstep.
  const windowMs = Math.min(50, 2 ** attempt);
  const ms = Math.random() * windowMs;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The 409 for a write that kept losing optimistic-concurrency races.
function writeConflict(what: string): ApiError {
  return new ApiError(
    409,
    "write_conflict",
    `Could not save ${what} because of concurrent changes, try again`,
  );
}

/**
 * Commits `op`, reporting a locked database as a failed check, for a single
 * attempt that has its own way to recover (the message writer's fast path).
 */
export async function commit(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  try {
    return await op.commit();
  } catch (error) {
    if (isLocked(error)) return { ok: false };
    throw error;
  }
}

/**
 * Failed attempts of one operation under the policy: `next()` waits before
 * the next attempt, or answers false once they are used up. A long read
 * calls `reset()` whenever it makes progress.
 */
export class LockRetries {
  #failed = 0;

  /** Waits before another attempt; false when no attempt is left. */
  async next(): Promise<boolean> {
    if (++this.#failed >= MAX_ATTEMPTS) return false;
    await backoff(this.#failed - 1);
    return true;
  }

  /** Starts counting again, after an attempt that got somewhere. */
  reset(): void {
    this.#failed = 0;
  }

  /** Rethrows `error` unless it is a lock and another attempt is left, after waiting for it. */
  async afterError(error: unknown): Promise<void> {
    if (!isLocked(error) || !await this.next()) throw error;
  }
}

/**
 * Runs `attempt` (read, check, stage) and commits what it staged, again and
 * again until a commit succeeds or the attempt needs no write. A failed check
 * and a locked database both count as a lost race. Out of attempts, it throws
 * `giveUp()`: by default the 409 `write_conflict` for `what`. Errors the
 * attempt throws itself (a 404, a 409 for a taken name) end it at once.
 */
export async function retryAtomic<T>(
  what: string,
  attempt: () => Promise<Attempt<T>>,
  giveUp: () => Error = () => writeConflict(what),
): Promise<T> {
  const retries = new LockRetries();
  do {
    try {
      const staged = await attempt();
      if (staged.op === undefined) return staged.value;
      const result = await staged.op.commit();
      if (result.ok) {
        staged.committed?.(result.versionstamp);
        return staged.value;
      }
    } catch (error) {
      if (!isLocked(error)) throw error;
    }
  } while (await retries.next());
  throw giveUp();
}

/** Commits what `build` stages, which has no checks, repeating while the database is locked. */
export function retryWrites(
  what: string,
  build: () => Deno.AtomicOperation,
  giveUp?: () => Error,
): Promise<void> {
  return retryAtomic(
    what,
    () => Promise.resolve({ op: build(), value: undefined }),
    giveUp,
  );
}

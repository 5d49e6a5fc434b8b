import { ApiError } from "../errors.ts";

/** Attempts an optimistic write makes before giving up with a 409. */
export const MAX_ATTEMPTS = 30;

/** Deno KV reads at most this many keys in one `getMany` (denokv `limits.rs`). */
const GET_MANY_LIMIT = 10;

/** Waits a small random time before retry number `attempt` (0-based). */
export function backoff(attempt: number): Promise<void> {
  // Full jitter on a capped exponential window: 1, 2, 4 ... 50 ms. Random
  // spreading keeps contending writers from retrying in lockstep.
  const windowMs = Math.min(50, 2 ** attempt);
  const ms = Math.random() * windowMs;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The 409 for a write that kept losing optimistic-concurrency races. */
export function writeConflict(what: string): ApiError {
  return new ApiError(
    409,
    "write_conflict",
    `Could not save ${what} because of concurrent changes, try again`,
  );
}

/** Reads any number of keys, in chunks KV accepts, preserving order. */
export async function getManyChunked<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const chunks: Deno.KvKey[][] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
    chunks.push(keys.slice(i, i + GET_MANY_LIMIT));
  }
  const results = await Promise.all(
    chunks.map((chunk) => kv.getMany<T[]>(chunk)),
  );
  return results.flat() as Deno.KvEntryMaybe<T>[];
}

/** Reads a `Deno.KvU64` counter as a number, 0 when absent. */
export function u64ToNumber(value: unknown): number {
  return value instanceof Deno.KvU64 ? Number(value.value) : 0;
}

/**
 * Commits `op`, reporting SQLite's "database is locked" as a failed check.
 * That error only happens when several handles share one database file (tests,
 * a second process); SQLite applied nothing, so the caller's retry is safe.
 */
export async function commit(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  try {
    return await op.commit();
  } catch (error) {
    if (error instanceof Error && /database is locked/i.test(error.message)) {
      return { ok: false };
    }
    throw error;
  }
}

/** The current time as an ISO-8601 string. */
export function now(): string {
  return new Date().toISOString();
}

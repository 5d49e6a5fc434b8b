// The retry policy lives in its own module; the data layer imports it from here.
export { commit, LockRetries, retryAtomic, retryWrites } from "./_retry.ts";

/** Deno KV reads at most this many keys in one `getMany` (denokv `limits.rs`). */
const GET_MANY_LIMIT = 10;

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

/** The current time as an ISO-8601 string. */
export function now(): string {
  return new Date().toISOString();
}

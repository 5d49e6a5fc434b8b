// Reads for a backup. A server may be writing the same SQLite file while an
// export runs; when SQLite briefly reports it locked, the read is repeated
// (a list resumes after the last entry it returned) instead of failing.

import { LockRetries } from "../db/_kv.ts";

/** Every entry `selector` matches, in key order, read with strong consistency. */
export async function* scan<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  batchSize = 100,
): AsyncGenerator<Deno.KvEntry<T>> {
  let cursor: string | undefined;
  const retries = new LockRetries();
  while (true) {
    const entries = kv.list<T>(selector, {
      consistency: "strong",
      batchSize,
      cursor,
    });
    try {
      for await (const entry of entries) {
        cursor = entries.cursor;
        retries.reset();
        yield entry;
      }
      return;
    } catch (error) {
      await retries.afterError(error);
    }
  }
}

/** `kv.getMany` (at most 10 keys) with strong consistency, repeated while the file is locked. */
export async function readMany(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const retries = new LockRetries();
  while (true) {
    try {
      return await kv.getMany<unknown[]>(keys, { consistency: "strong" });
    } catch (error) {
      await retries.afterError(error);
    }
  }
}

/** Reads any number of keys ten at a time, in order. */
export async function readAll(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const entries: Deno.KvEntryMaybe<unknown>[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    entries.push(...await readMany(kv, keys.slice(i, i + 10)));
  }
  return entries;
}

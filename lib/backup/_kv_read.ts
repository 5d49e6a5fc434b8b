// Reads for a backup. A server may be writing the same SQLite file while an
// export runs; when SQLite briefly reports it locked, the read is repeated
// (a list resumes after the last entry it returned) instead of failing.

const MAX_ATTEMPTS = 20;

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message);
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(200, 5 * 2 ** attempt) * Math.random())
  );
}

/** Every entry `selector` matches, in key order, read with strong consistency. */
export async function* scan<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  batchSize = 100,
): AsyncGenerator<Deno.KvEntry<T>> {
  let cursor: string | undefined;
  let attempt = 0;
  while (true) {
    const entries = kv.list<T>(selector, {
      consistency: "strong",
      batchSize,
      cursor,
    });
    try {
      for await (const entry of entries) {
        cursor = entries.cursor;
        attempt = 0;
        yield entry;
      }
      return;
    } catch (error) {
      if (!isLocked(error) || ++attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
}

/** `kv.getMany` (at most 10 keys) with strong consistency, repeated while the file is locked. */
export async function readMany(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<unknown>[]> {
  for (let attempt = 1;; attempt++) {
    try {
      return await kv.getMany<unknown[]>(keys, { consistency: "strong" });
    } catch (error) {
      if (!isLocked(error) || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
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

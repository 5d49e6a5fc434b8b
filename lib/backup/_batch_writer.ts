/**
 * Collects an import's writes into atomics under KV's limits, one batch
 * committing while the next one fills.
 */
import { retryWrites } from "../db/_kv.ts";
import type { KvRow } from "../db/rows.ts";

// Per atomic: KV allows 1,000 mutations and 800 KiB; staying well below
// leaves room for the estimate being rough (values are V8-serialized).
const MAX_BATCH_MUTATIONS = 500;
const MAX_BATCH_BYTES = 640 * 1024;
const MAX_BATCH_KEY_BYTES = 64 * 1024;
const encoder = new TextEncoder();

interface Mutation {
  key: Deno.KvKey;
  /** `undefined` deletes the key. */
  value: unknown;
  expireIn?: number;
}

// The error for a target that keeps refusing writes.
function targetWriteFailed(): Error {
  return new Error(
    "Writing to the target database kept failing (is it locked by another process?)",
  );
}

/** Commits what `build` stages (no checks), repeating while the target is locked. */
export function writeToTarget(
  build: () => Deno.AtomicOperation,
): Promise<void> {
  return retryWrites("the import", build, targetWriteFailed);
}

/**
 * Collects rows into atomics under KV's limits. One batch commits while the
 * next one fills; batches commit in order, and a failed one fails the next call.
 */
export class BatchWriter {
  #kv: Deno.Kv;
  #batch: Mutation[] = [];
  #bytes = 0;
  #keyBytes = 0;
  #inflight: Promise<void> = Promise.resolve();
  /** Whether any commit has been started. */
  wrote = false;

  /** A writer into `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Writes each of `rows`, after everything staged before. */
  async write(...rows: KvRow[]): Promise<void> {
    for (const row of rows) await this.#add(row);
  }

  /** Deletes `key`, after everything staged before. */
  delete(key: Deno.KvKey): Promise<void> {
    return this.#add({ key, value: undefined });
  }

  async #add({ key, value, expireIn }: Mutation): Promise<void> {
    const keyBytes = keySize(key);
    const bytes = keyBytes + (value === undefined ? 0 : valueSize(value));
    if (
      this.#batch.length + 1 > MAX_BATCH_MUTATIONS ||
      this.#bytes + bytes > MAX_BATCH_BYTES ||
      this.#keyBytes + keyBytes > MAX_BATCH_KEY_BYTES
    ) {
      await this.flush();
    }
    this.#batch.push({ key, value, expireIn });
    this.#bytes += bytes;
    this.#keyBytes += keyBytes;
  }

  /** Starts committing what is staged, once the batch before has committed. */
  async flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    this.#keyBytes = 0;
    await this.#inflight; // rethrows the previous batch's failure
    this.wrote = true;
    this.#inflight = writeToTarget(() => {
      const op = this.#kv.atomic();
      for (const { key, value, expireIn } of batch) {
        if (value === undefined) op.delete(key);
        else {op.set(
            key,
            value,
            expireIn === undefined ? undefined : { expireIn },
          );}
      }
      return op;
    });
    // Observed by the next flush or by close(); this only avoids an unhandled rejection.
    this.#inflight.catch(() => {});
  }

  /** Commits what is left and waits for every commit. */
  async close(): Promise<void> {
    await this.flush();
    await this.#inflight;
  }

  /** Waits for a commit in flight to end, however it ends. */
  async settle(): Promise<void> {
    await this.#inflight.catch(() => {});
  }
}

function keySize(key: Deno.KvKey): number {
  let size = 1;
  for (const part of key) {
    if (typeof part === "string") size += encoder.encode(part).length + 2;
    else if (part instanceof Uint8Array) size += part.length + 2;
    else size += 10;
  }
  return size;
}

function valueSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.length + 16;
  if (value instanceof Deno.KvU64) return 16;
  if (typeof value === "string") return value.length * 3 + 16;
  if (typeof value === "number") return 16;
  // V8 serialization stores a string in at most 2 bytes per UTF-16 unit, and
  // JSON spells every field name and string at least as long.
  return JSON.stringify(value).length * 2 + 64;
}

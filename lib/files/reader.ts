/**
 * Streams a stored file's chunks out of KV, reading ahead.
 *
 * Each KV read is a round trip to the database thread, so a download that asks
 * for one small batch at a time leaves the socket idle during every read and
 * the database idle during every send. Here the next batch is already being
 * read while the current one is sent, and batches grow from a few chunks (a
 * quick first byte, little waste on a small range) to many (fewer round trips).
 * Read-ahead memory is bounded by a budget shared by every download in the
 * process: one download may hold up to two batches of 64 chunks (8 MiB), and
 * with many at once each gets a smaller share.
 */
import { chunkKey } from "./_keys.ts";

/** Bytes per stored chunk: Deno KV refuses values over 64 KiB. */
export const CHUNK_SIZE = 64 * 1024;

/** An inclusive byte range of a file. */
export interface ByteRange {
  /** First byte, from 0. */
  start: number;
  /** Last byte, included. */
  end: number;
}

/** What the reader needs to know about a stored file. */
export interface StoredFile {
  id: string;
  size: number;
}

const FIRST_BATCH = 4;
const MIN_BATCH = 4;
const MAX_BATCH = 64;
// Chunks all downloads together may hold ahead of their sockets: 16 MiB.
const READ_AHEAD_BUDGET = 256;

let activeDownloads = 0;

// A read in flight: its entries, and the chunk number just past it.
interface Batch {
  entries: Promise<Deno.KvEntry<Uint8Array>[]>;
  end: number;
}

/** Number of file streams open now, for tests. */
export function openFileStreams(): number {
  return activeDownloads;
}

// A download holds at most two batches: the one being sent and the next.
function batchLimit(): number {
  const share = Math.floor(
    READ_AHEAD_BUDGET / Math.max(activeDownloads, 1) / 2,
  );
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, share));
}

async function readBatch(
  kv: Deno.Kv,
  fileId: string,
  from: number,
  count: number,
): Promise<Deno.KvEntry<Uint8Array>[]> {
  const entries: Deno.KvEntry<Uint8Array>[] = [];
  const list = kv.list<Uint8Array>({
    start: chunkKey(fileId, from),
    end: chunkKey(fileId, from + count),
  }, { batchSize: count });
  for await (const entry of list) entries.push(entry);
  return entries;
}

/**
 * Streams bytes `start`..`end` (inclusive; the whole file by default) of a
 * stored file. A short or missing chunk errors the stream rather than sending
 * fewer bytes than the caller's Content-Length promised.
 */
export function readFileStream(
  kv: Deno.Kv,
  file: StoredFile,
  range: ByteRange = { start: 0, end: file.size - 1 },
): ReadableStream<Uint8Array> {
  const { start, end } = range;
  if (file.size === 0 || end < start) {
    return new ReadableStream({ start: (controller) => controller.close() });
  }
  if (
    !Number.isInteger(start) || !Number.isInteger(end) || start < 0 ||
    end >= file.size
  ) {
    throw new RangeError(
      `Range ${start}-${end} is outside file "${file.id}" of ${file.size} bytes`,
    );
  }
  const last = Math.floor(end / CHUNK_SIZE);
  // The next chunk to hand out, and the next one to ask KV for.
  let n = Math.floor(start / CHUNK_SIZE);
  let nextRead = n;
  let size = FIRST_BATCH;
  let ahead: Batch | undefined;
  let counted = false;

  const release = () => {
    if (counted) activeDownloads--;
    counted = false;
  };
  const readNext = (): Batch => {
    const count = Math.min(size, last + 1 - nextRead);
    const entries = readBatch(kv, file.id, nextRead, count);
    // Seen by the next pull; this only keeps an abandoned read from being unhandled.
    entries.catch(() => {});
    nextRead += count;
    size = Math.min(size * 2, batchLimit());
    return { entries, end: nextRead };
  };
  const missing = () =>
    new Error(`File "${file.id}" has a missing or short chunk ${n}`);

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!counted) {
        counted = true;
        activeDownloads++;
      }
      try {
        const current = ahead ?? readNext();
        const entries = await current.entries;
        ahead = nextRead <= last ? readNext() : undefined;
        for (const entry of entries) {
          const base = n * CHUNK_SIZE;
          const expected = Math.min(CHUNK_SIZE, file.size - base);
          if (
            entry.key[2] !== n || !(entry.value instanceof Uint8Array) ||
            entry.value.length !== expected
          ) throw missing();
          const from = Math.max(start - base, 0);
          const to = Math.min(end - base + 1, entry.value.length);
          controller.enqueue(entry.value.subarray(from, to));
          n++;
        }
        // The listing ended early: a chunk at the end of the batch is gone.
        if (n !== current.end) throw missing();
        if (n > last) {
          release();
          controller.close();
        }
      } catch (error) {
        release();
        throw error;
      }
    },
    cancel() {
      release();
    },
  }, { highWaterMark: 0 });
}

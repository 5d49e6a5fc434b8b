/**
 * Streams an upload's bytes into KV chunks, a few atomics in flight at once,
 * hashing as it goes and keeping the first bytes for type detection.
 */
import { createHash } from "node:crypto";
import { stageRows } from "../db/rows.ts";
import { ApiError } from "../errors.ts";
import { tooLarge } from "./_errors.ts";
import { abandonUpload, fileKey, pendingKey, startedKey } from "./_keys.ts";
import { IMAGE_HEAD_BYTES } from "./image_size.ts";
import { CHUNK_SIZE } from "./reader.ts";
import { chunkRow } from "./rows.ts";

/**
 * How many leading bytes `writeFileChunks` keeps: type detection needs 4,100,
 * and a JPEG's pixel size may sit behind an EXIF block of tens of KiB.
 */
export const HEAD_SIZE = IMAGE_HEAD_BYTES;

// Ten 64 KiB chunks plus keys stay under KV's 800 KiB of mutations per atomic.
const CHUNKS_PER_ATOMIC = 10;
// Batches of chunks being committed at once by one upload.
const COMMITS_IN_FLIGHT = 2;
// How often a live upload refreshes its record, far inside the sweeper's hour.
const REFRESH_EVERY_MS = 60 * 1000;
// The pending marker is a hint for humans and tools; the sweeper relies on `upload_started`.
const PENDING_TTL_MS = 60 * 60 * 1000;

/** What `writeFileChunks` learned while storing a stream. */
export interface WrittenFile {
  /** Total bytes stored. */
  size: number;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  /** The first bytes (at most `HEAD_SIZE`), for detecting the type without buffering the file. */
  head: Uint8Array;
}

/** Options for `writeFileChunks`. */
export interface WriteOptions {
  /** Largest accepted size; one byte more answers 413 and deletes what was written. */
  maxBytes: number;
  /** Aborts the upload; written chunks are deleted. */
  signal?: AbortSignal;
  /** How often the upload's record is refreshed; a minute by default. */
  refreshMs?: number;
}

async function markUpload(kv: Deno.Kv, fileId: string): Promise<string> {
  const res = await kv.atomic()
    .check({ key: fileKey(fileId), versionstamp: null })
    .set(pendingKey(fileId), Date.now(), { expireIn: PENDING_TTL_MS })
    .set(startedKey(fileId), Date.now())
    .commit();
  if (!res.ok) {
    throw new ApiError(409, "file_exists", `File "${fileId}" already exists`);
  }
  return res.versionstamp;
}

/** Marks an upload as in progress so the sweeper can reclaim it if it never commits. */
export async function beginUpload(kv: Deno.Kv, fileId: string): Promise<void> {
  await markUpload(kv, fileId);
}

/**
 * Stores a stream as `["file_chunks", fileId, n]` chunks of exactly `CHUNK_SIZE`
 * bytes (the last may be shorter), about ten per atomic, hashing as it goes.
 * Marks the upload as begun (see `beginUpload`); the caller finishes with
 * `commitFileMeta`. Past `maxBytes` it stops reading, deletes what it wrote and
 * throws a 413; on any other failure or abort it also deletes and rethrows.
 */
export async function writeFileChunks(
  kv: Deno.Kv,
  fileId: string,
  stream: ReadableStream<Uint8Array>,
  { maxBytes, signal, refreshMs = REFRESH_EVERY_MS }: WriteOptions,
): Promise<WrittenFile> {
  signal?.throwIfAborted();
  let startedVersion = await markUpload(kv, fileId);
  // A byte stream is read straight into the chunk buffers (no copy, no
  // garbage); any other stream hands out chunks that are copied in.
  let byob: ReadableStreamBYOBReader | null = null;
  let plain: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    plain = stream.getReader();
  }
  const reader = (byob ?? plain)!;
  // Cancelling the reader wakes a pending read(), so an abort never waits on a stalled client.
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });

  const hash = createHash("sha256");
  const head = new Uint8Array(HEAD_SIZE);
  let headLength = 0;
  let size = 0;
  let next = 0;
  let batch: Uint8Array<ArrayBuffer>[] = [];
  // Committed chunk buffers are reused: KV copies values during commit(), and
  // fewer allocations keep the garbage (and so the RSS) of big uploads small.
  const spare: Uint8Array<ArrayBuffer>[] = [];
  let chunk = new Uint8Array(CHUNK_SIZE);
  let filled = 0;

  // Batches commit while the next ones fill, a few at a time: reading and
  // writing overlap, and the database thread always has the next batch. Every
  // batch checks that the upload's record is unchanged (the sweeper rewrites
  // it to claim an abandoned upload); the record itself is only bumped about
  // once a minute, which keeps a long upload from looking abandoned.
  const inflight: Promise<void>[] = [];
  let bumpedAt = Date.now();
  const commitBatch = async (
    pieces: Uint8Array<ArrayBuffer>[],
    bump: boolean,
  ) => {
    const op = kv.atomic().check({
      key: startedKey(fileId),
      versionstamp: startedVersion,
    });
    stageRows(op, pieces.map((piece) => chunkRow(fileId, next++, piece)));
    if (bump) op.set(startedKey(fileId), Date.now());
    const res = await op.commit();
    if (!res.ok) {
      throw new ApiError(
        409,
        "upload_expired",
        `Upload "${fileId}" was abandoned before it finished`,
      );
    }
    if (bump) startedVersion = res.versionstamp;
    for (const piece of pieces) {
      if (piece.length === CHUNK_SIZE) spare.push(piece);
    }
  };
  const track = (commit: Promise<void>) => {
    // Awaited later (rethrowing); this only stops an unhandled rejection.
    commit.catch(() => {});
    inflight.push(commit);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const pieces = batch;
    batch = [];
    // Oldest first, so a failure surfaces here, in order.
    while (inflight.length >= COMMITS_IN_FLIGHT) await inflight.shift();
    if (Date.now() - bumpedAt >= refreshMs) {
      // The bump changes the versionstamp the others check: it goes alone.
      while (inflight.length > 0) await inflight.shift();
      bumpedAt = Date.now();
      await commitBatch(pieces, true);
    } else track(commitBatch(pieces, false));
  };

  // Counts, hashes and keeps the head of bytes that just arrived.
  const accept = (value: Uint8Array) => {
    size += value.length;
    if (size > maxBytes) {
      throw tooLarge("File", maxBytes);
    }
    hash.update(value);
    if (headLength < HEAD_SIZE) {
      const take = value.subarray(0, HEAD_SIZE - headLength);
      head.set(take, headLength);
      headLength += take.length;
    }
  };
  const chunkFull = async () => {
    batch.push(chunk);
    chunk = spare.pop() ?? new Uint8Array(CHUNK_SIZE);
    filled = 0;
    if (batch.length === CHUNKS_PER_ATOMIC) await flush();
  };

  try {
    while (byob) {
      const { done, value } = await byob.read(chunk.subarray(filled));
      // The read took the chunk's buffer over and answers a view of it.
      if (value) chunk = new Uint8Array(value.buffer as ArrayBuffer);
      signal?.throwIfAborted();
      if (done) break;
      accept(value);
      filled += value.length;
      if (filled === CHUNK_SIZE) await chunkFull();
    }
    while (plain) {
      const { done, value } = await plain.read();
      signal?.throwIfAborted();
      if (done) break;
      accept(value);
      let offset = 0;
      while (offset < value.length) {
        const take = Math.min(CHUNK_SIZE - filled, value.length - offset);
        chunk.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === CHUNK_SIZE) await chunkFull();
      }
    }
    if (filled > 0) batch.push(chunk.slice(0, filled));
    await flush();
    while (inflight.length > 0) await inflight.shift();
    return {
      size,
      sha256: hash.digest("hex"),
      head: head.slice(0, headLength),
    };
  } catch (err) {
    await reader.cancel(err).catch(() => {});
    // Let commits in flight land first, or they could write chunks after the cleanup.
    await Promise.allSettled(inflight);
    // A failed cleanup is not worth masking the real error: the markers stay,
    // so the sweeper deletes these chunks later.
    await abandonUpload(kv, fileId).catch(() => {});
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}

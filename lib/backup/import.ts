/**
 * `hearth import`: restores a backup written by `hearth export` into a new,
 * empty database.
 *
 * Every line is parsed and checked (shape with zod, then references, order,
 * seqs, file sizes and hashes) before what it holds is written; writes go in
 * batched atomics well inside KV's limits (1,000 mutations, 800 KiB), each
 * commit checked. The trailer is checked at the end; if anything is wrong,
 * the import deletes what it wrote, so the target is empty again. Counters
 * (message seqs, member counts) and the signing key are written last, once the
 * whole backup has been found good.
 */
import { createHash } from "node:crypto";
import { backoff, commit } from "../db/_kv.ts";
import { BackupChecker } from "./_checker.ts";
import {
  channelKey,
  channelNameKey,
  channelSeqKey,
  chunkKey,
  fileKey,
  importedPrefixes,
  memberCountKey,
  memberKey,
  messageClientIdKey,
  messageKey,
  readMarkerKey,
  revokedTokenKey,
  signingKeyKey,
  userChannelKey,
  userKey,
  userNameKey,
  usersPrefix,
} from "./_keys.ts";
import {
  type BackupCounts,
  BackupError,
  type BackupHeader,
  type BackupRecord,
  parseHeader,
  parseRecord,
  type RecordOf,
} from "./format.ts";

/** The target already holds data; an import only fills an empty database. */
export class TargetNotEmptyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetNotEmptyError";
  }
}

/** An import failed, and removing what it had written failed too. */
export class ImportCleanupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportCleanupError";
  }
}

/** What an import restored. */
export interface ImportResult {
  header: BackupHeader;
  counts: BackupCounts;
}

// Longest line accepted: a 64 KiB chunk is about 87 KiB of base64.
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Reads a backup from `input` into `kv`, which must be empty (no users, nor
 * any other Hearth data). Throws `TargetNotEmptyError` before writing
 * anything if it is not, and `BackupError` (with the line) for a bad backup,
 * after removing what had been written.
 */
export async function importBackup(
  kv: Deno.Kv,
  input: ReadableStream<Uint8Array>,
): Promise<ImportResult> {
  await requireEmpty(kv);
  const writes = new BatchWriter(kv);
  try {
    const result = await readInto(input, writes);
    await writes.close();
    return result;
  } catch (error) {
    await writes.settle();
    if (writes.wrote) {
      try {
        await deleteImported(kv);
      } catch (cleanup) {
        throw new ImportCleanupError(
          `${
            (error as Error).message
          }; removing what was imported also failed (${
            (cleanup as Error).message
          }): delete the target database before trying again`,
        );
      }
    }
    throw error;
  }
}

async function readInto(
  input: ReadableStream<Uint8Array>,
  writes: BatchWriter,
): Promise<ImportResult> {
  const checker = new BackupChecker();
  const hash = createHash("sha256");
  let header: BackupHeader | null = null;
  let trailer: RecordOf<"trailer"> | null = null;
  let signingKey: Uint8Array | null = null;
  let lineNo = 0;
  for await (const line of readLines(input)) {
    lineNo++;
    if (trailer !== null) {
      throw new BackupError("there is more after the trailer", lineNo);
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new BackupError(
        `not valid JSON (${(error as Error).message})`,
        lineNo,
      );
    }
    if (header === null) {
      header = parseHeader(value);
      hashLine(hash, line);
      continue;
    }
    const record = parseRecord(value, lineNo);
    if (record.type === "trailer") {
      trailer = record;
      continue;
    }
    hashLine(hash, line);
    const bytes = record.type === "chunk"
      ? Uint8Array.fromBase64(record.data)
      : record.type === "signing_key"
      ? Uint8Array.fromBase64(record.key)
      : undefined;
    // A dropped file's chunks are written already: count them before the
    // checker closes the run.
    const dropped = record.type === "file_dropped" ? checker.openChunks : 0;
    checker.accept(record, lineNo, bytes);
    if (record.type === "signing_key") {
      signingKey = bytes!;
    } else if (record.type === "file_dropped") {
      await writes.flush();
      for (let n = 0; n < dropped; n++) {
        await writes.delete(chunkKey(record.fileId, n));
      }
    } else {
      await stage(writes, record, bytes);
    }
  }
  if (header === null) {
    throw new BackupError("the input is empty, not a Hearth backup");
  }
  checker.finish(
    trailer,
    trailer === null ? lineNo : lineNo - 1,
    hash.digest("hex"),
  );

  // The whole backup is good: now the counters, and the key last of all.
  for (const [id, channel] of checker.channels) {
    if (channel.lastSeq > 0) {
      await writes.set(channelSeqKey(id), channel.lastSeq);
    }
    if (channel.members > 0) {
      await writes.set(
        memberCountKey(id),
        new Deno.KvU64(BigInt(channel.members)),
      );
    }
  }
  if (signingKey !== null) await writes.set(signingKeyKey, signingKey);
  return { header, counts: { ...checker.counts } };
}

function hashLine(hash: ReturnType<typeof createHash>, line: string): void {
  hash.update(line);
  hash.update("\n");
}

/** Queues the KV writes one checked record stands for. */
async function stage(
  writes: BatchWriter,
  record: BackupRecord,
  bytes: Uint8Array | undefined,
): Promise<void> {
  switch (record.type) {
    case "user":
      await writes.set(userKey(record.user.id), record.user);
      await writes.set(
        userNameKey(record.user.username.toLowerCase()),
        record.user.id,
      );
      return;
    case "channel":
      await writes.set(channelKey(record.channel.id), record.channel);
      await writes.set(
        channelNameKey(record.channel.name.toLowerCase()),
        record.channel.id,
      );
      return;
    case "member":
      await writes.set(
        memberKey(record.channelId, record.userId),
        record.joinedAt,
      );
      await writes.set(
        userChannelKey(record.userId, record.channelId),
        record.joinedAt,
      );
      return;
    case "read_marker":
      await writes.set(
        readMarkerKey(record.userId, record.channelId),
        new Deno.KvU64(BigInt(record.seq)),
      );
      return;
    case "message":
      await writes.set(
        messageKey(record.message.channelId, record.message.seq),
        record.message,
      );
      return;
    case "client_id":
      await writes.set(
        messageClientIdKey(record.channelId, record.authorId, record.clientId),
        record.seq,
      );
      return;
    case "chunk":
      await writes.set(chunkKey(record.fileId, record.n), bytes!);
      return;
    case "file":
      // Batches commit in order, so the metadata lands after all its chunks.
      await writes.set(fileKey(record.file.id), record.file);
      return;
    case "revoked_token": {
      const expireIn = record.exp * 1000 - Date.now();
      if (expireIn > 0) {
        await writes.set(revokedTokenKey(record.jti), record.exp, { expireIn });
      }
      return;
    }
    case "signing_key":
    case "file_dropped":
    case "trailer":
      return;
  }
}

/** Refuses a target holding users or any other data an import would write. */
async function requireEmpty(kv: Deno.Kv): Promise<void> {
  for (const prefix of importedPrefixes) {
    const iter = kv.list({ prefix }, { limit: 1, consistency: "strong" });
    for await (const _ of iter) {
      throw new TargetNotEmptyError(
        prefix[0] === usersPrefix[0]
          ? "The target database already has users. Import only into a new, empty database: choose a --db path that does not exist yet."
          : `The target database already holds data (${
            String(prefix[0])
          }). Import only into a new, empty database: choose a --db path that does not exist yet.`,
      );
    }
  }
}

/** Deletes everything under the prefixes an import writes, a page at a time. */
async function deleteImported(kv: Deno.Kv): Promise<void> {
  for (const prefix of importedPrefixes) {
    while (true) {
      const keys: Deno.KvKey[] = [];
      // Small pages: chunk values are 64 KiB each.
      for await (
        const entry of kv.list({ prefix }, { limit: 100, batchSize: 20 })
      ) {
        keys.push(entry.key);
      }
      if (keys.length === 0) break;
      for (let i = 0; i < keys.length; i += 50) {
        const page = keys.slice(i, i + 50);
        await commitOrThrow(() => {
          const op = kv.atomic();
          for (const key of page) op.delete(key);
          return op;
        });
      }
    }
  }
}

/** Splits a UTF-8 byte stream into lines, without their "\n" (or "\r\n"). */
async function* readLines(
  input: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let buffer = "";
  let line = 0;
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes === undefined
        ? decoder.decode()
        : decoder.decode(bytes, { stream: true });
    } catch {
      throw new BackupError("not valid UTF-8", line + 1);
    }
  };
  const strip = (text: string) =>
    text.endsWith("\r") ? text.slice(0, -1) : text;
  for await (const bytes of input) {
    buffer += decode(bytes);
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf("\n", start)) !== -1) {
      line++;
      yield strip(buffer.slice(start, end));
      start = end + 1;
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_LINE_CHARS) {
      throw new BackupError(
        `longer than ${MAX_LINE_CHARS} characters: not a Hearth backup line`,
        line + 1,
      );
    }
  }
  buffer += decode();
  if (buffer.length > 0) yield strip(buffer);
}

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

/**
 * Collects sets into atomics under KV's limits. One batch commits while the
 * next one fills; batches commit in order, and a failed one fails the next call.
 */
class BatchWriter {
  #kv: Deno.Kv;
  #batch: Mutation[] = [];
  #bytes = 0;
  #keyBytes = 0;
  #inflight: Promise<void> = Promise.resolve();
  /** Whether any commit has been started. */
  wrote = false;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Deletes `key`, after every set staged before. */
  delete(key: Deno.KvKey): Promise<void> {
    return this.set(key, undefined);
  }

  async set(
    key: Deno.KvKey,
    value: unknown,
    options: { expireIn?: number } = {},
  ): Promise<void> {
    const keyBytes = keySize(key);
    const bytes = keyBytes + (value === undefined ? 0 : valueSize(value));
    if (
      this.#batch.length + 1 > MAX_BATCH_MUTATIONS ||
      this.#bytes + bytes > MAX_BATCH_BYTES ||
      this.#keyBytes + keyBytes > MAX_BATCH_KEY_BYTES
    ) {
      await this.flush();
    }
    this.#batch.push({ key, value, expireIn: options.expireIn });
    this.#bytes += bytes;
    this.#keyBytes += keyBytes;
  }

  async flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    this.#keyBytes = 0;
    await this.#inflight; // rethrows the previous batch's failure
    this.wrote = true;
    this.#inflight = commitOrThrow(() => {
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

/** Commits a fresh `build()`, repeating while SQLite reports the file locked. */
async function commitOrThrow(
  build: () => Deno.AtomicOperation,
): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    // No checks are staged, so only a locked database makes a commit fail.
    const result = await commit(build());
    if (result.ok) return;
    await backoff(attempt);
  }
  throw new Error(
    "Writing to the target database kept failing (is it locked by another process?)",
  );
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

import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import {
  beginUpload,
  CHUNK_SIZE,
  commitFileMeta,
  deleteFile,
  deleteFileChunks,
  type FileMeta,
  getFileMeta,
  HEAD_SIZE,
  readFileStream,
  writeFileChunks,
} from "./store.ts";
import { openFileStreams } from "./reader.ts";
import {
  byteStreamOf,
  collect,
  countKeys,
  randomBytes,
  sha256,
  streamOf,
} from "./_testing.ts";

const MiB = 1024 * 1024;

function metaFor(id: string, size: number, hash: string): FileMeta {
  return {
    id,
    name: "data.bin",
    size,
    type: "application/octet-stream",
    sha256: hash,
    channelId: "c1",
    uploaderId: "u1",
    createdAt: new Date().toISOString(),
  };
}

async function roundTrip(size: number, pieces: number[], byteStream = false) {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(size);
  const id = crypto.randomUUID();
  const source = byteStream
    ? byteStreamOf(bytes, pieces)
    : streamOf(bytes, pieces);
  const written = await writeFileChunks(kv, id, source, {
    maxBytes: 100 * MiB,
  });
  assert.equal(written.size, size);
  assert.equal(written.sha256, sha256(bytes));
  assert.deepEqual(written.head, bytes.slice(0, HEAD_SIZE));
  assert.equal(
    await countKeys(kv, ["file_chunks", id]),
    Math.ceil(size / CHUNK_SIZE),
  );
  // Every chunk but the last is exactly CHUNK_SIZE.
  for await (
    const entry of kv.list<Uint8Array>({ prefix: ["file_chunks", id] })
  ) {
    const n = entry.key[2] as number;
    const expected = Math.min(CHUNK_SIZE, size - n * CHUNK_SIZE);
    assert.equal(entry.value.length, expected, `chunk ${n}`);
  }
  const meta = metaFor(id, written.size, written.sha256);
  await commitFileMeta(kv, meta);
  assert.deepEqual(await getFileMeta(kv, id), meta);
  const back = await collect(readFileStream(kv, meta));
  assert.equal(back.length, size);
  assert.equal(sha256(back), sha256(bytes));
  assert.deepEqual(back, bytes);
}

Deno.test("writeFileChunks() round-trips an empty file", () =>
  roundTrip(0, [1]));
Deno.test("writeFileChunks() round-trips one byte", () => roundTrip(1, [1]));
Deno.test("writeFileChunks() round-trips exactly one chunk", () =>
  roundTrip(65536, [65536]));
Deno.test("writeFileChunks() round-trips one chunk and a byte", () =>
  roundTrip(65537, [1000, 3]));
Deno.test("writeFileChunks() round-trips several MiB fed in odd-sized pieces", () =>
  roundTrip(5 * MiB + 12345, [1, 7919, 65535, 65537, 300001, 13]));

Deno.test("writeFileChunks() reads a byte stream straight into its chunks", async () => {
  await roundTrip(0, [1], true);
  await roundTrip(CHUNK_SIZE, [CHUNK_SIZE], true);
  await roundTrip(5 * MiB + 3, [1, 65535, 4096, 100_000, 7], true);
});

Deno.test("writeFileChunks() answers 413 past maxBytes and leaves no chunks", async () => {
  using kv = await Deno.openKv(":memory:");
  const id = crypto.randomUUID();
  let pulled = 0;
  const source = streamOf(randomBytes(3 * MiB), [10000]);
  const counting = source.pipeThrough(
    new TransformStream({
      transform(piece, controller) {
        pulled += piece.length;
        controller.enqueue(piece);
      },
    }),
  );
  await assert.rejects(
    writeFileChunks(kv, id, counting, { maxBytes: MiB }),
    (err) =>
      err instanceof ApiError && err.status === 413 &&
      err.code === "file_too_large",
  );
  // It stopped reading soon after the limit, not at the end of the stream.
  assert.ok(pulled < MiB + 100_000, `read ${pulled} bytes`);
  assert.equal(await countKeys(kv, ["file_chunks", id]), 0);
  assert.equal(await countKeys(kv, ["upload_started", id]), 0);
});

Deno.test("writeFileChunks() accepts a file of exactly maxBytes", async () => {
  using kv = await Deno.openKv(":memory:");
  const written = await writeFileChunks(
    kv,
    "f1",
    streamOf(randomBytes(200_000), [777]),
    { maxBytes: 200_000 },
  );
  assert.equal(written.size, 200_000);
});

Deno.test("writeFileChunks() deletes what it wrote when the stream fails", async () => {
  using kv = await Deno.openKv(":memory:");
  const id = crypto.randomUUID();
  let sent = 0;
  const failing = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 2 * MiB) {
        return controller.error(new Error("connection reset"));
      }
      controller.enqueue(randomBytes(50_000));
      sent += 50_000;
    },
  });
  await assert.rejects(
    writeFileChunks(kv, id, failing, { maxBytes: 10 * MiB }),
    /connection reset/,
  );
  assert.equal(await countKeys(kv, ["file_chunks", id]), 0);
  assert.equal(await countKeys(kv, ["pending_uploads", id]), 0);
});

Deno.test("writeFileChunks() stops on abort and leaves no chunks", async () => {
  using kv = await Deno.openKv(":memory:");
  const id = crypto.randomUUID();
  const controller = new AbortController();
  let sent = 0;
  // A client that sends 1 MiB and then stalls forever.
  const stalled = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= MiB) {
        controller.abort(new Error("client went away"));
        return new Promise(() => {});
      }
      c.enqueue(randomBytes(65536));
      sent += 65536;
    },
  });
  await assert.rejects(
    writeFileChunks(kv, id, stalled, {
      maxBytes: 10 * MiB,
      signal: controller.signal,
    }),
    /client went away/,
  );
  assert.equal(await countKeys(kv, ["file_chunks", id]), 0);
});

Deno.test("commitFileMeta() refuses an upload that is not in progress", async () => {
  using kv = await Deno.openKv(":memory:");
  await assert.rejects(
    commitFileMeta(kv, metaFor("nope", 0, sha256(new Uint8Array()))),
    (err) => err instanceof ApiError && err.status === 409,
  );
  assert.equal(await getFileMeta(kv, "nope"), null);
});

Deno.test("commitFileMeta() clears the upload markers", async () => {
  using kv = await Deno.openKv(":memory:");
  await beginUpload(kv, "f1");
  assert.equal(await countKeys(kv, ["pending_uploads"]), 1);
  const written = await writeFileChunks(kv, "f1", streamOf(randomBytes(10)), {
    maxBytes: 100,
  });
  await commitFileMeta(kv, metaFor("f1", written.size, written.sha256));
  assert.equal(await countKeys(kv, ["pending_uploads"]), 0);
  assert.equal(await countKeys(kv, ["upload_started"]), 0);
  // A committed id cannot be reused for a new upload.
  await assert.rejects(
    beginUpload(kv, "f1"),
    (err) => err instanceof ApiError && err.status === 409,
  );
});

Deno.test("readFileStream() streams inclusive ranges across chunk edges", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(3 * CHUNK_SIZE + 100);
  const written = await writeFileChunks(kv, "f1", streamOf(bytes), {
    maxBytes: MiB,
  });
  const meta = metaFor("f1", written.size, written.sha256);
  await commitFileMeta(kv, meta);
  const cases: [number, number][] = [
    [0, 0],
    [0, bytes.length - 1],
    [CHUNK_SIZE - 1, CHUNK_SIZE],
    [CHUNK_SIZE, 2 * CHUNK_SIZE - 1],
    [10, 3 * CHUNK_SIZE + 50],
    [bytes.length - 1, bytes.length - 1],
  ];
  for (const [start, end] of cases) {
    const got = await collect(readFileStream(kv, meta, { start, end }));
    assert.deepEqual(got, bytes.slice(start, end + 1), `${start}-${end}`);
  }
  assert.throws(
    () => readFileStream(kv, meta, { start: 0, end: bytes.length }),
    RangeError,
  );
});

/** Stores and commits a file of `chunks` random chunks as "f1". */
async function storedFile(kv: Deno.Kv, chunks: number) {
  const bytes = randomBytes(chunks * CHUNK_SIZE);
  const written = await writeFileChunks(kv, "f1", streamOf(bytes), {
    maxBytes: chunks * CHUNK_SIZE,
  });
  const meta = metaFor("f1", written.size, written.sha256);
  await commitFileMeta(kv, meta);
  return { bytes, meta };
}

/** A KV handle whose list() records the batches of chunks asked for. */
function recordingReads(kv: Deno.Kv) {
  const batches: number[] = [];
  const wrapped = {
    list: (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
      const { start, end } = selector as { start: Deno.KvKey; end: Deno.KvKey };
      batches.push(Number(end[2]) - Number(start[2]));
      return kv.list(selector, options);
    },
  } as unknown as Deno.Kv;
  return { batches, kv: wrapped };
}

Deno.test("readFileStream() reads ahead only as far as the consumer pulls", async () => {
  using kv = await Deno.openKv(":memory:");
  const { meta } = await storedFile(kv, 300);
  const recorded = recordingReads(kv);
  const reader = readFileStream(recorded.kv, meta).getReader();
  assert.equal(openFileStreams(), 0);
  await reader.read();
  assert.equal(openFileStreams(), 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // The first small batch and the one read ahead; never the 300 chunks.
  assert.deepEqual(recorded.batches, [4, 8]);
  await reader.cancel();
  assert.equal(openFileStreams(), 0);
});

Deno.test("readFileStream() grows its batches to 64 chunks, shared out between downloads", async () => {
  using kv = await Deno.openKv(":memory:");
  const { bytes, meta } = await storedFile(kv, 300);
  const alone = recordingReads(kv);
  assert.deepEqual(await collect(readFileStream(alone.kv, meta)), bytes);
  assert.deepEqual(alone.batches, [4, 8, 16, 32, 64, 64, 64, 48]);
  assert.equal(openFileStreams(), 0);
  // With eight downloads open, each may hold 2 × 16 chunks.
  const crowd = Array.from({ length: 8 }, () => recordingReads(kv));
  const readers = crowd.map((c) => readFileStream(c.kv, meta).getReader());
  await Promise.all(readers.map((r) => r.read()));
  assert.equal(openFileStreams(), 8);
  const rest = await Promise.all(readers.map(async (r) => {
    let got = 0;
    for (let chunk = await r.read(); !chunk.done; chunk = await r.read()) {
      got += chunk.value.length;
    }
    return got;
  }));
  assert.ok(rest.every((got) => got === bytes.length - CHUNK_SIZE));
  for (const { batches } of crowd) {
    assert.ok(Math.max(...batches) <= 64);
    assert.ok(batches.includes(16), batches.join());
  }
  assert.equal(openFileStreams(), 0);
});

Deno.test("readFileStream() errors when a chunk is missing", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(3 * CHUNK_SIZE);
  const written = await writeFileChunks(kv, "f1", streamOf(bytes), {
    maxBytes: MiB,
  });
  const meta = metaFor("f1", written.size, written.sha256);
  await commitFileMeta(kv, meta);
  await kv.delete(["file_chunks", "f1", 1]);
  await assert.rejects(
    collect(readFileStream(kv, meta)),
    /missing or short chunk 1/,
  );
  // A missing last chunk ends the listing early; that is an error too.
  await kv.set(
    ["file_chunks", "f1", 1],
    bytes.slice(CHUNK_SIZE, 2 * CHUNK_SIZE),
  );
  await kv.delete(["file_chunks", "f1", 2]);
  await assert.rejects(
    collect(readFileStream(kv, meta)),
    /missing or short chunk 2/,
  );
});

Deno.test("deleteFile() removes a committed file's metadata and chunks", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(12 * CHUNK_SIZE);
  const written = await writeFileChunks(kv, "f1", streamOf(bytes), {
    maxBytes: MiB,
  });
  await commitFileMeta(kv, metaFor("f1", written.size, written.sha256));
  await deleteFile(kv, "f1");
  assert.equal(await getFileMeta(kv, "f1"), null);
  assert.equal(await countKeys(kv, ["file_chunks"]), 0);
});

Deno.test("deleteFileChunks() removes every chunk of one file only", async () => {
  using kv = await Deno.openKv(":memory:");
  await writeFileChunks(kv, "a", streamOf(randomBytes(25 * CHUNK_SIZE)), {
    maxBytes: 10 * MiB,
  });
  await writeFileChunks(kv, "b", streamOf(randomBytes(CHUNK_SIZE)), {
    maxBytes: MiB,
  });
  await deleteFileChunks(kv, "a");
  assert.equal(await countKeys(kv, ["file_chunks", "a"]), 0);
  assert.equal(await countKeys(kv, ["file_chunks", "b"]), 1);
});

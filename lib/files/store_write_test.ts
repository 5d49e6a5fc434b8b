import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import {
  CHUNK_SIZE,
  commitFileMeta,
  getFileMeta,
  HEAD_SIZE,
  readFileStream,
  writeFileChunks,
} from "./store.ts";
import {
  byteStreamOf,
  collect,
  countKeys,
  metaFor,
  MiB,
  randomBytes,
  sha256,
  streamOf,
} from "./_testing.ts";

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

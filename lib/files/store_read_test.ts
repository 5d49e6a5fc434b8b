import assert from "node:assert/strict";
import {
  CHUNK_SIZE,
  commitFileMeta,
  readFileStream,
  writeFileChunks,
} from "./store.ts";
import { openFileStreams } from "./reader.ts";
import { collect, metaFor, MiB, randomBytes, streamOf } from "./_testing.ts";

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

import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import {
  commitFileMeta,
  type FileMeta,
  getFileMeta,
  writeFileChunks,
} from "./store.ts";
import { startSweeper, sweepAbandonedUploads } from "./sweeper.ts";
import { countKeys, randomBytes, streamOf } from "./_testing.ts";
import { waitFor } from "../../tests/helpers/deadline.ts";

function metaFor(id: string, size: number, hash: string): FileMeta {
  return {
    id,
    name: "a.bin",
    size,
    type: "application/octet-stream",
    sha256: hash,
    channelId: "c1",
    uploaderId: "u1",
    createdAt: new Date().toISOString(),
  };
}

// An upload that wrote its chunks and then "crashed" before its metadata.
async function crashedUpload(kv: Deno.Kv, id: string, ageMs: number) {
  await writeFileChunks(kv, id, streamOf(randomBytes(300_000), [4096]), {
    maxBytes: 1_000_000,
  });
  await kv.set(["upload_started", id], Date.now() - ageMs);
}

Deno.test("sweepAbandonedUploads() deletes chunks of uploads that never committed", async () => {
  using kv = await Deno.openKv(":memory:");
  await crashedUpload(kv, "old", 2 * 60 * 60 * 1000);
  await crashedUpload(kv, "recent", 1000);
  const written = await writeFileChunks(
    kv,
    "done",
    streamOf(randomBytes(200_000)),
    {
      maxBytes: 1_000_000,
    },
  );
  await commitFileMeta(kv, metaFor("done", written.size, written.sha256));

  assert.equal(
    await sweepAbandonedUploads(kv, { olderThanMs: 60 * 60 * 1000 }),
    1,
  );
  assert.equal(await countKeys(kv, ["file_chunks", "old"]), 0);
  assert.equal(await countKeys(kv, ["upload_started", "old"]), 0);
  assert.equal(await countKeys(kv, ["pending_uploads", "old"]), 0);
  // Too young to be judged abandoned.
  assert.equal(await countKeys(kv, ["file_chunks", "recent"]), 5);
  // Committed files are never touched.
  assert.equal(await countKeys(kv, ["file_chunks", "done"]), 4);
  assert.ok(await getFileMeta(kv, "done"));
});

Deno.test("sweepAbandonedUploads() makes a late commit fail instead of publishing a hole", async () => {
  using kv = await Deno.openKv(":memory:");
  await crashedUpload(kv, "slow", 2 * 60 * 60 * 1000);
  await sweepAbandonedUploads(kv, { olderThanMs: 60 * 60 * 1000 });
  await assert.rejects(
    commitFileMeta(kv, metaFor("slow", 300_000, "x")),
    (err) => err instanceof ApiError && err.status === 409,
  );
  assert.equal(await getFileMeta(kv, "slow"), null);
});

Deno.test("startSweeper() sweeps at once and stops cleanly", async () => {
  using kv = await Deno.openKv(":memory:");
  await crashedUpload(kv, "old", 10_000);
  const stop = startSweeper(kv, 60_000, { olderThanMs: 5000 });
  await stop();
  assert.equal(await countKeys(kv, ["file_chunks", "old"]), 0);
});

Deno.test("startSweeper() keeps sweeping on its interval", async () => {
  using kv = await Deno.openKv(":memory:");
  const stop = startSweeper(kv, 10, { olderThanMs: 5000 });
  await crashedUpload(kv, "later", 10_000);
  await waitFor(
    async () => await countKeys(kv, ["file_chunks", "later"]) === 0,
    { what: "The sweeper taking the crashed upload", timeoutMs: 1_000 },
  ).catch(() => {
    // The assertion below says what is left.
  });
  await stop();
  assert.equal(await countKeys(kv, ["file_chunks", "later"]), 0);
});

Deno.test("writeFileChunks() gives up when the sweeper reclaimed its upload", async () => {
  using kv = await Deno.openKv(":memory:");
  let release!: () => void;
  const paused = new Promise<void>((resolve) => release = resolve);
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 1_000_000) await paused;
      if (sent >= 2_000_000) return controller.close();
      controller.enqueue(randomBytes(100_000));
      sent += 100_000;
    },
  });
  const writing = writeFileChunks(kv, "stuck", source, {
    maxBytes: 10_000_000,
  });
  await waitFor(() => sent >= 1_000_000, {
    what: "The first megabyte read from the source",
    intervalMs: 1,
  });
  // A moment for the chunks read so far to be written before the sweep.
  await new Promise((resolve) => setTimeout(resolve, 10));
  // The upload looks idle for two hours: the sweeper takes it.
  await kv.set(["upload_started", "stuck"], Date.now() - 2 * 60 * 60 * 1000);
  assert.equal(
    await sweepAbandonedUploads(kv, { olderThanMs: 60 * 60 * 1000 }),
    1,
  );
  release();
  await assert.rejects(
    writing,
    (err) => err instanceof ApiError && err.status === 409,
  );
  assert.equal(await countKeys(kv, ["file_chunks", "stuck"]), 0);
});

Deno.test("writeFileChunks() refreshes its record now and then, not per batch", async () => {
  using kv = await Deno.openKv(":memory:");
  const versions = async (refreshMs: number | undefined) => {
    const id = crypto.randomUUID();
    const seen = new Set<string>();
    let pieces = 0;
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pieces++ === 40) return controller.close();
        const entry = await kv.get(["upload_started", id]);
        if (entry.versionstamp) seen.add(entry.versionstamp);
        // Slow enough that every batch of ten chunks is due a refresh at 0 ms.
        await new Promise((resolve) => setTimeout(resolve, 1));
        controller.enqueue(randomBytes(65_536));
      },
    });
    await writeFileChunks(kv, id, source, { maxBytes: 10_000_000, refreshMs });
    return seen.size;
  };
  // By default the record keeps its first versionstamp for the whole upload,
  // so several batches can be committed at once against it.
  assert.equal(await versions(undefined), 1);
  assert.ok(await versions(0) >= 3);
});

import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import {
  beginUpload,
  CHUNK_SIZE,
  commitFileMeta,
  deleteFile,
  deleteFileChunks,
  getFileMeta,
  writeFileChunks,
} from "./store.ts";
import {
  countKeys,
  metaFor,
  MiB,
  randomBytes,
  sha256,
  streamOf,
} from "./_testing.ts";

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

import assert from "node:assert/strict";
import { readUpload } from "./multipart.ts";
import {
  abandonUpload,
  commitFileMeta,
  getFileMeta,
  readFileStream,
} from "./store.ts";
import { stageFile } from "./upload.ts";
import { collect, countKeys, randomBytes, streamOf } from "./_testing.ts";

const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

Deno.test("stageFile() stores bytes under a fresh id with a safe name and detected type", async () => {
  using kv = await Deno.openKv(":memory:");
  const staged = await stageFile(kv, streamOf(PNG, [7]), {
    name: "../secret/shot.txt",
    maxBytes: 1000,
  });
  assert.equal(staged.name, "shot.txt");
  assert.equal(staged.type, "image/png");
  assert.equal(staged.size, PNG.length);
  const meta = {
    ...staged,
    channelId: "c1",
    uploaderId: "u1",
    createdAt: new Date().toISOString(),
  };
  await commitFileMeta(kv, meta);
  assert.deepEqual(await getFileMeta(kv, staged.id), meta);
  assert.deepEqual(await collect(readFileStream(kv, meta)), PNG);
});

Deno.test("stageFile() with readUpload() discards the staged file when the request fails later", async () => {
  using kv = await Deno.openKv(":memory:");
  const form = new FormData();
  form.append("file", new File([randomBytes(300_000)], "a.bin"));
  form.append("content", "x".repeat(17 * 1024));
  const req = new Request("http://hearth.test/", {
    method: "POST",
    body: form,
  });
  await assert.rejects(
    readUpload(req, {
      maxBytes: 1_000_000,
      onFile: ({ filename, stream }) =>
        stageFile(kv, stream, { name: filename, maxBytes: 1_000_000 }),
      onDiscard: (staged) => abandonUpload(kv, staged.id),
    }),
    /larger than 16384 bytes/,
  );
  assert.equal(await countKeys(kv, ["file_chunks"]), 0);
  assert.equal(await countKeys(kv, ["upload_started"]), 0);
});

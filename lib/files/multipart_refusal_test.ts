import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import { readUpload } from "./multipart.ts";
import { writeFileChunks } from "./store.ts";
import {
  countKeys,
  formRequest,
  MiB,
  randomBytes,
  readAll,
  rechunked,
} from "./_testing.ts";

const isApiError = (status: number, code?: string) => (err: unknown) =>
  err instanceof ApiError && err.status === status &&
  (code === undefined || err.code === code);

Deno.test("readUpload() answers 422 file_required without a file field", async () => {
  const form = new FormData();
  form.append("content", "no file here");
  form.append("attachment", new File(["x"], "x.txt"));
  await assert.rejects(
    readUpload(formRequest(form), { maxBytes: MiB, onFile: readAll }),
    isApiError(422, "file_required"),
  );
});

Deno.test("readUpload() answers 415 for a body that is not multipart", async () => {
  const req = new Request("http://hearth.test/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ file: "x" }),
  });
  await assert.rejects(
    readUpload(req, { maxBytes: MiB, onFile: readAll }),
    isApiError(415, "unsupported_media_type"),
  );
  const bare = new Request("http://hearth.test/", {
    method: "POST",
    body: "x",
  });
  bare.headers.delete("content-type");
  await assert.rejects(
    readUpload(bare, { maxBytes: MiB, onFile: readAll }),
    isApiError(415),
  );
});

Deno.test("readUpload() answers 400 for malformed bodies", async () => {
  const bodies: [string, string][] = [
    ["multipart/form-data", "--x\r\n\r\n"],
    ["multipart/form-data; boundary=", "--x\r\n\r\n"],
    ["multipart/form-data; boundary=b", "no boundary anywhere"],
    [
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\ncut off',
    ],
    [
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="file"\r\n',
    ],
    ["multipart/form-data; boundary=b", "--bJUNK\r\n\r\n"],
    ["multipart/form-data; boundary=b", ""],
  ];
  for (const [type, body] of bodies) {
    const req = new Request("http://hearth.test/", {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
    await assert.rejects(
      readUpload(req, { maxBytes: MiB, onFile: readAll }),
      isApiError(400),
      `${type} / ${JSON.stringify(body)}`,
    );
  }
});

Deno.test("readUpload() answers 413 for a file past maxBytes", async () => {
  const form = new FormData();
  form.append("file", new File([randomBytes(300_000)], "big.bin"));
  const req = await rechunked(formRequest(form), [10_000]);
  await assert.rejects(
    readUpload(req, { maxBytes: 100_000, onFile: readAll }),
    isApiError(413, "file_too_large"),
  );
});

Deno.test("readUpload() refuses a declared Content-Length far past the limit at once", async () => {
  const req = new Request("http://hearth.test/", {
    method: "POST",
    headers: {
      "content-type": "multipart/form-data; boundary=b",
      "content-length": String(50 * MiB),
    },
    body: "--b--",
  });
  await assert.rejects(
    readUpload(req, { maxBytes: MiB, onFile: readAll }),
    isApiError(413),
  );
});

Deno.test("readUpload() answers 413 for an oversized field and discards the stored file", async () => {
  using kv = await Deno.openKv(":memory:");
  const form = new FormData();
  form.append("file", new File([randomBytes(200_000)], "a.bin"));
  form.append("content", "x".repeat(20_000));
  let discarded = false;
  await assert.rejects(
    readUpload(formRequest(form), {
      maxBytes: MiB,
      onFile: ({ stream }) =>
        writeFileChunks(kv, "f1", stream, { maxBytes: MiB }),
      onDiscard: () => {
        discarded = true;
        return Promise.resolve();
      },
    }),
    isApiError(413, "field_too_large"),
  );
  assert.ok(discarded);
});

Deno.test("readUpload() leaves no chunks when the file is too large for the store", async () => {
  using kv = await Deno.openKv(":memory:");
  const form = new FormData();
  form.append("file", new File([randomBytes(2 * MiB)], "a.bin"));
  await assert.rejects(
    readUpload(await rechunked(formRequest(form), [65536]), {
      maxBytes: 10 * MiB,
      onFile: ({ stream }) =>
        writeFileChunks(kv, "f1", stream, { maxBytes: MiB }),
    }),
    isApiError(413),
  );
  assert.equal(await countKeys(kv, ["file_chunks"]), 0);
});

Deno.test("readUpload() answers 400 upload_interrupted when the body breaks off, and keeps no chunks", async () => {
  using kv = await Deno.openKv(":memory:");
  const head = new TextEncoder().encode(
    '--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n',
  );
  let sent = 0;
  // What Deno.serve's body does when the client hangs up mid-upload.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) controller.enqueue(head);
      else if (sent <= 20) controller.enqueue(randomBytes(65536));
      else controller.error(new Error("connection reset"));
      sent++;
    },
  });
  const req = new Request("http://hearth.test/", {
    method: "POST",
    headers: { "content-type": "multipart/form-data; boundary=b" },
    body,
  });
  await assert.rejects(
    readUpload(req, {
      maxBytes: 10 * MiB,
      onFile: ({ stream }) =>
        writeFileChunks(kv, "f1", stream, { maxBytes: 10 * MiB }),
    }),
    isApiError(400, "upload_interrupted"),
  );
  assert.equal(await countKeys(kv, ["file_chunks"]), 0);
  assert.equal(await countKeys(kv, ["upload_started"]), 0);
});

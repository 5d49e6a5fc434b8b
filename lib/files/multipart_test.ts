import assert from "node:assert/strict";
import { parseMultipart } from "@remix-run/multipart-parser";
import { ApiError } from "../errors.ts";
import { readUpload, type UploadedFile } from "./multipart.ts";
import { commitFileMeta, readFileStream, writeFileChunks } from "./store.ts";
import {
  byteStreamOf,
  collect,
  collectByob,
  countKeys,
  randomBytes,
  sha256,
  streamOf,
} from "./_testing.ts";

const MiB = 1024 * 1024;

function formRequest(form: FormData): Request {
  return new Request("http://hearth.test/channels/c1/files", {
    method: "POST",
    body: form,
  });
}

// Re-sends a request's body in pieces of the given sizes, as a slow network might.
async function rechunked(req: Request, pieces: number[]): Promise<Request> {
  const bytes = new Uint8Array(await req.arrayBuffer());
  return new Request(req.url, {
    method: "POST",
    headers: { "content-type": req.headers.get("content-type")! },
    body: streamOf(bytes, pieces),
  });
}

const readAll = async ({ filename, declaredType, stream }: UploadedFile) => ({
  filename,
  declaredType,
  bytes: await collect(stream),
});

const isApiError = (status: number, code?: string) => (err: unknown) =>
  err instanceof ApiError && err.status === status &&
  (code === undefined || err.code === code);

Deno.test("readUpload() reads a FormData body with a file and a caption", async () => {
  const form = new FormData();
  form.append("content", "look at this\nplease");
  form.append(
    "file",
    new File(["hello world"], "日本語 notes.txt", { type: "text/plain" }),
  );
  const { file, fields } = await readUpload(formRequest(form), {
    maxBytes: MiB,
    onFile: readAll,
  });
  assert.equal(file.filename, "日本語 notes.txt");
  assert.equal(file.declaredType, "text/plain");
  assert.equal(new TextDecoder().decode(file.bytes), "hello world");
  // FormData sends newlines as CRLF.
  assert.deepEqual({ ...fields }, { content: "look at this\r\nplease" });
});

Deno.test("readUpload() streams a multi-MiB file under the upload field into KV", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(6 * MiB + 321);
  const form = new FormData();
  form.append("upload", new File([bytes], "big.bin"));
  form.append("content", "after the file");
  const req = await rechunked(formRequest(form), [7919, 65536, 1, 300_000, 13]);
  const { file, fields } = await readUpload(req, {
    maxBytes: 10 * MiB,
    onFile: async ({ filename, stream }) => ({
      filename,
      ...(await writeFileChunks(kv, "f1", stream, { maxBytes: 10 * MiB })),
    }),
  });
  assert.equal(file.filename, "big.bin");
  assert.equal(file.size, bytes.length);
  assert.equal(file.sha256, sha256(bytes));
  assert.equal(fields.content, "after the file");
  const meta = {
    id: "f1",
    name: "big.bin",
    size: file.size,
    type: "application/octet-stream",
    sha256: file.sha256,
    channelId: "c1",
    uploaderId: "u1",
    createdAt: new Date().toISOString(),
  };
  await commitFileMeta(kv, meta);
  assert.deepEqual(await collect(readFileStream(kv, meta)), bytes);
});

Deno.test("readUpload() reads the body only as fast as the file is consumed", async () => {
  const form = new FormData();
  form.append("file", new File([randomBytes(8 * MiB)], "big.bin"));
  const original = formRequest(form);
  const body = new Uint8Array(await original.arrayBuffer());
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= body.length) return controller.close();
      const piece = body.slice(sent, sent + 65536);
      controller.enqueue(piece);
      sent += piece.length;
    },
  }, { highWaterMark: 0 });
  const req = new Request("http://hearth.test/", {
    method: "POST",
    headers: { "content-type": original.headers.get("content-type")! },
    body: source,
  });
  let sentWhilePaused = -1;
  await readUpload(req, {
    maxBytes: 10 * MiB,
    onFile: async ({ stream }) => {
      const reader = stream.getReader();
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 30));
      sentWhilePaused = sent;
      while (!(await reader.read()).done);
    },
  });
  assert.ok(sentWhilePaused < MiB, `read ${sentWhilePaused} bytes ahead`);
  assert.equal(sent, body.length);
});

Deno.test("readUpload() splits correctly however the body is chunked", async () => {
  const boundary = "----HearthBoundary7MA4YWxkTrZu0gW";
  // Data that nearly contains the delimiter, to trip a naive splitter.
  const tricky = new TextEncoder().encode(
    `a\r\n--${boundary.slice(0, 10)}\r\n\r\n--${
      boundary.slice(0, -1)
    }\r\n\r\r\n-`,
  );
  const payload = new Uint8Array([...tricky, ...randomBytes(3000), ...tricky]);
  const enc = new TextEncoder();
  const body = new Uint8Array([
    ...enc.encode(`--${boundary}\r\n`),
    ...enc.encode(
      `Content-Disposition: form-data; name="content"\r\n\r\nhi\r\n`,
    ),
    ...enc.encode(`--${boundary}\r\n`),
    ...enc.encode(
      `Content-Disposition: form-data; name="file"; filename="t.bin"\r\n`,
    ),
    ...enc.encode(`Content-Type: application/octet-stream\r\n\r\n`),
    ...payload,
    ...enc.encode(`\r\n--${boundary}--\r\nepilogue`),
  ]);
  // The buffered parser from npm is the oracle for what the parts contain.
  const oracle = [...parseMultipart(body, { boundary })];
  assert.deepEqual(oracle[1].bytes, payload);
  for (let trial = 0; trial < 300; trial++) {
    const sizes = Array.from(
      { length: 8 },
      () => 1 + Math.floor(Math.random() * (trial % 2 ? 7 : 200)),
    );
    // Plain chunks; a byte stream (read into one reused buffer) whose file is
    // read with a default reader; and one whose file is read BYOB in small views.
    const mode = trial % 3;
    const req = new Request("http://hearth.test/", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: mode === 0 ? streamOf(body, sizes) : byteStreamOf(body, sizes),
    });
    const { file, fields } = await readUpload(req, {
      maxBytes: MiB,
      onFile: async (part) =>
        mode === 2
          ? await collectByob(part.stream, 1 + trial % 97)
          : await collect(part.stream),
    });
    assert.deepEqual(file, oracle[1].bytes, `mode ${mode}, pieces ${sizes}`);
    assert.equal(fields.content, oracle[0].text);
  }
});

Deno.test("readUpload() ignores a preamble and an epilogue", async () => {
  const req = new Request("http://hearth.test/", {
    method: "POST",
    headers: { "content-type": 'multipart/form-data; boundary="b b"' },
    body: "This is a preamble.\r\n--b b  \r\n" +
      'Content-Disposition: form-data; name="file"; filename="p.txt"\r\n\r\n' +
      "data\r\n--b b--\r\nand an epilogue",
  });
  const { file } = await readUpload(req, { maxBytes: MiB, onFile: readAll });
  assert.equal(new TextDecoder().decode(file.bytes), "data");
});

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

Deno.test("readUpload() takes the first file part and skips later ones", async () => {
  const form = new FormData();
  form.append("file", new File(["first"], "1.txt"));
  form.append("upload", new File(["second"], "2.txt"));
  const { file } = await readUpload(formRequest(form), {
    maxBytes: MiB,
    onFile: readAll,
  });
  assert.equal(new TextDecoder().decode(file.bytes), "first");
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

import assert from "node:assert/strict";
import { parseMultipart } from "@remix-run/multipart-parser";
import { readUpload } from "./multipart.ts";
import { commitFileMeta, readFileStream, writeFileChunks } from "./store.ts";
import {
  byteStreamOf,
  collect,
  collectByob,
  formRequest,
  MiB,
  randomBytes,
  readAll,
  rechunked,
  sha256,
  streamOf,
} from "./_testing.ts";

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

import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import { fileResponseHeaders, serveFile } from "./headers.ts";
import { commitFileMeta, type FileMeta, writeFileChunks } from "./store.ts";
import { randomBytes, sha256, streamOf } from "./_testing.ts";

function metaOf(overrides: Partial<FileMeta> = {}): FileMeta {
  return {
    id: "f1",
    name: "photo.png",
    size: 10,
    type: "image/png",
    sha256: "ab".repeat(32),
    channelId: "c1",
    uploaderId: "u1",
    createdAt: "2025-01-02T03:04:05.678Z",
    ...overrides,
  };
}

async function storedFile(kv: Deno.Kv, bytes: Uint8Array, type = "image/png") {
  const written = await writeFileChunks(kv, "f1", streamOf(bytes, [1000]), {
    maxBytes: 10_000_000,
  });
  const meta = metaOf({ size: written.size, sha256: written.sha256, type });
  await commitFileMeta(kv, meta);
  return meta;
}

const get = (headers: Record<string, string> = {}, method = "GET") =>
  new Request("http://hearth.test/files/f1", { method, headers });

Deno.test("fileResponseHeaders() sets the safety and caching headers", () => {
  const headers = fileResponseHeaders(metaOf(), { inline: true });
  assert.equal(headers.get("X-Content-Type-Options"), "nosniff");
  assert.equal(
    headers.get("Content-Security-Policy"),
    "sandbox; default-src 'none'",
  );
  assert.equal(headers.get("Content-Type"), "image/png");
  assert.equal(headers.get("ETag"), `"${"ab".repeat(32)}"`);
  assert.equal(headers.get("Last-Modified"), "Thu, 02 Jan 2025 03:04:05 GMT");
  assert.equal(headers.get("Cache-Control"), "private");
  assert.equal(headers.get("Accept-Ranges"), "bytes");
  assert.match(
    headers.get("Content-Disposition")!,
    /^inline; filename="photo.png"/,
  );
});

Deno.test("fileResponseHeaders() never shows SVG or HTML inline", () => {
  for (
    const type of ["image/svg+xml", "text/html", "application/octet-stream"]
  ) {
    const headers = fileResponseHeaders(metaOf({ type, name: "x" }), {
      inline: true,
    });
    assert.match(headers.get("Content-Disposition")!, /^attachment;/, type);
  }
});

Deno.test("serveFile() answers 200 with the whole file", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(150_000);
  const meta = await storedFile(kv, bytes);
  const res = serveFile(kv, meta, get());
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Content-Length"), "150000");
  const body = new Uint8Array(await res.arrayBuffer());
  assert.equal(sha256(body), meta.sha256);
});

Deno.test("serveFile() answers 206 for one range", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(150_000);
  const meta = await storedFile(kv, bytes);
  const res = serveFile(kv, meta, get({ Range: "bytes=65530-65545" }));
  assert.equal(res.status, 206);
  assert.equal(res.headers.get("Content-Range"), "bytes 65530-65545/150000");
  assert.equal(res.headers.get("Content-Length"), "16");
  assert.deepEqual(
    new Uint8Array(await res.arrayBuffer()),
    bytes.slice(65530, 65546),
  );
  const tail = serveFile(kv, meta, get({ Range: "bytes=-5" }));
  assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), bytes.slice(-5));
});

Deno.test("serveFile() throws 416 with Content-Range for an unsatisfiable range", async () => {
  using kv = await Deno.openKv(":memory:");
  const meta = await storedFile(kv, randomBytes(100));
  assert.throws(
    () => serveFile(kv, meta, get({ Range: "bytes=100-" })),
    (err) =>
      err instanceof ApiError && err.status === 416 &&
      err.headers["Content-Range"] === "bytes */100",
  );
});

Deno.test("serveFile() answers 304 when If-None-Match holds the ETag", async () => {
  using kv = await Deno.openKv(":memory:");
  const meta = await storedFile(kv, randomBytes(100));
  for (
    const tag of [
      `"${meta.sha256}"`,
      `W/"${meta.sha256}"`,
      `"other", "${meta.sha256}"`,
      "*",
    ]
  ) {
    const res = serveFile(kv, meta, get({ "If-None-Match": tag }));
    assert.equal(res.status, 304, tag);
    assert.equal(res.body, null);
    assert.equal(res.headers.get("ETag"), `"${meta.sha256}"`);
  }
  const stale = serveFile(kv, meta, get({ "If-None-Match": '"other"' }));
  assert.equal(stale.status, 200);
  await stale.body?.cancel();
});

Deno.test("serveFile() answers 304 for an If-Modified-Since at or after creation", async () => {
  using kv = await Deno.openKv(":memory:");
  const meta = await storedFile(kv, randomBytes(100));
  const res = serveFile(
    kv,
    meta,
    get({ "If-Modified-Since": "Thu, 02 Jan 2025 03:04:05 GMT" }),
  );
  assert.equal(res.status, 304);
  const older = serveFile(
    kv,
    meta,
    get({ "If-Modified-Since": "Thu, 02 Jan 2025 03:04:04 GMT" }),
  );
  assert.equal(older.status, 200);
  await older.body?.cancel();
});

Deno.test("serveFile() sends the whole file when If-Range no longer matches", async () => {
  using kv = await Deno.openKv(":memory:");
  const meta = await storedFile(kv, randomBytes(100));
  const res = serveFile(
    kv,
    meta,
    get({ Range: "bytes=0-9", "If-Range": '"old"' }),
  );
  assert.equal(res.status, 200);
  assert.equal((await res.arrayBuffer()).byteLength, 100);
  const still = serveFile(
    kv,
    meta,
    get({ Range: "bytes=0-9", "If-Range": `"${meta.sha256}"` }),
  );
  assert.equal(still.status, 206);
  await still.body?.cancel();
});

Deno.test("serveFile() answers HEAD with headers and no body", async () => {
  using kv = await Deno.openKv(":memory:");
  const meta = await storedFile(kv, randomBytes(1234));
  const res = serveFile(kv, meta, get({ Range: "bytes=0-9" }, "HEAD"));
  assert.equal(res.status, 200);
  assert.equal(res.body, null);
  assert.equal(res.headers.get("Content-Length"), "1234");
});

Deno.test("serveFile() serves an empty file", async () => {
  using kv = await Deno.openKv(":memory:");
  const meta = await storedFile(kv, new Uint8Array());
  const res = serveFile(kv, meta, get());
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Content-Length"), "0");
  assert.equal((await res.arrayBuffer()).byteLength, 0);
});

Deno.test("serveFile() streams ranges over a real HTTP server", async () => {
  using kv = await Deno.openKv(":memory:");
  const bytes = randomBytes(300_000);
  const meta = await storedFile(kv, bytes);
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => serveFile(kv, meta, req),
  );
  const url = `http://127.0.0.1:${server.addr.port}/files/f1`;
  const whole = await fetch(url);
  assert.equal(whole.headers.get("content-length"), "300000");
  assert.equal(sha256(new Uint8Array(await whole.arrayBuffer())), meta.sha256);
  const part = await fetch(url, { headers: { Range: "bytes=100000-200000" } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get("content-length"), "100001");
  assert.deepEqual(
    new Uint8Array(await part.arrayBuffer()),
    bytes.slice(100000, 200001),
  );
  const head = await fetch(url, { method: "HEAD" });
  assert.equal(head.headers.get("content-length"), "300000");
  await head.body?.cancel();
});

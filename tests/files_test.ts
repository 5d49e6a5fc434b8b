/**
 * File sharing over HTTP against a real server on 127.0.0.1: uploads and
 * byte-exact downloads, ranges and caching, the size limit, cut-off uploads,
 * who may read a file, the safety headers, names, and the live message.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sweepAbandonedUploads } from "../lib/files/sweeper.ts";
import { setLogSink } from "../lib/log.ts";
import {
  type Account,
  type Api,
  type ApiResponse,
  createChannel,
  FrameSocket,
  request,
  signUp,
  type TestServer,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";
import { startTestServer } from "./helpers/server.ts";
import { showLogOnFailure } from "./helpers/server_log.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const CHUNK = 64 * KIB;

// Server faults are collected per test, so a 5xx anywhere fails it; every
// line also goes on to the buffer a failing test prints.
let serverErrors: string[] = [];
const buffer = setLogSink((line) => {
  if (line.includes('"level":"error"')) serverErrors.push(line);
  buffer(line);
});

type User = Account & { api: Api };

interface Fixture {
  server: TestServer;
  base: string;
  kv: Deno.Kv;
  alice: User;
  /** A channel alice owns and is the only member of. */
  channelId: string;
}

/** Runs `body` against a fresh server with one user and her own channel. */
async function withFiles(
  body: (fx: Fixture) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  serverErrors = [];
  const server = await startTestServer(args, { passwordCost: 4 });
  try {
    await showLogOnFailure(`the server at ${server.base}`, async () => {
      const alice = await signUp(server.base);
      const channel = await createChannel(alice.api);
      await body({
        server,
        base: server.base,
        kv: server.services.kv,
        alice,
        channelId: channel.id,
      });
      assert.deepEqual(serverErrors, [], "the server logged errors");
    });
  } finally {
    await server.shutdown();
  }
}

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += CHUNK) {
    crypto.getRandomValues(bytes.subarray(i, Math.min(i + CHUNK, size)));
  }
  return bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const encoder = new TextEncoder();
const text = (s: string) => encoder.encode(s);

// A 1x1 PNG.
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

interface UploadOptions {
  name?: string;
  /** The multipart field; `file` by default. */
  field?: string;
  /** The type the client claims for the part. */
  type?: string;
  content?: string;
  token?: string | null;
}

/** Uploads `bytes` as the browser's FormData would. */
function upload(
  fx: Fixture,
  bytes: Uint8Array<ArrayBuffer>,
  opts: UploadOptions = {},
  channelId = fx.channelId,
): Promise<ApiResponse> {
  const form = new FormData();
  if (opts.content !== undefined) form.append("content", opts.content);
  form.append(
    opts.field ?? "file",
    new File([bytes], opts.name ?? "data.bin", {
      type: opts.type ?? "application/octet-stream",
    }),
  );
  const token = opts.token === undefined ? fx.alice.token : opts.token;
  return request(fx.base, "POST", `/channels/${channelId}/files`, {
    token: token ?? undefined,
    body: form,
  });
}

/** Uploads and checks the 201; answers the stored message. */
async function uploadOk(
  fx: Fixture,
  bytes: Uint8Array<ArrayBuffer>,
  opts: UploadOptions = {},
) {
  const res = await upload(fx, bytes, opts);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const BOUNDARY = "----hearth-files-test-0b6f";

/** The bytes that open a hand-made multipart body with one file part. */
function preamble(disposition: string, type = "application/octet-stream") {
  return text(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\n` +
      `Content-Type: ${type}\r\n\r\n`,
  );
}
const EPILOGUE = text(`\r\n--${BOUNDARY}--\r\n`);
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

interface Download {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

/** Fetches a file's bytes as `token`'s user (anonymously with none). */
async function download(
  fx: Fixture,
  url: string,
  token: string | undefined,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Download> {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(new URL(url, fx.base), {
    method: init.method ?? "GET",
    headers,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes };
}

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** Chunks whose file has no metadata: what an unfinished upload leaves. */
async function orphanChunks(kv: Deno.Kv): Promise<number> {
  let n = 0;
  for await (const entry of kv.list({ prefix: ["file_chunks"] })) {
    const meta = await kv.get(["files", entry.key[1]]);
    if (meta.versionstamp === null) n++;
  }
  return n;
}

/** Asserts that no uncommitted chunk, upload marker or pending record is left in KV. */
async function assertNoUploadLeftovers(kv: Deno.Kv): Promise<void> {
  assert.equal(await orphanChunks(kv), 0, "chunks left behind");
  assert.equal(await count(kv, ["upload_started"]), 0, "upload marker left");
  assert.equal(await count(kv, ["pending_uploads"]), 0, "pending marker left");
}

async function messagesOf(fx: Fixture, channelId = fx.channelId) {
  const res = await fx.alice.api.get(`/channels/${channelId}/messages`);
  assert.equal(res.status, 200);
  return res.body as { seq: number; file: unknown }[];
}

/** A normal upload and download right after: the server is still serving. */
async function assertServing(fx: Fixture): Promise<void> {
  const bytes = randomBytes(1000);
  const message = await uploadOk(fx, bytes, { name: "after.bin" });
  const got = await download(fx, message.file.url, fx.alice.token);
  assert.equal(got.status, 200);
  assert.equal(sha256(got.bytes), sha256(bytes));
}

const SAFETY = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "sandbox; default-src 'none'",
};

function assertSafetyHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(SAFETY)) {
    assert.equal(headers.get(name), value, name);
  }
}

// ---------------------------------------------------------------- round trips

Deno.test("uploads come back byte for byte, at every chunk boundary", async () => {
  await withFiles(async (fx) => {
    const sizes = [0, 1, CHUNK, CHUNK + 1, 5 * MIB + 3];
    for (const size of sizes) {
      const bytes = randomBytes(size);
      const message = await uploadOk(fx, bytes, { name: `f${size}.bin` });
      const file = message.file;
      assert.deepEqual(Object.keys(file).sort(), [
        "id",
        "name",
        "size",
        "type",
        "url",
      ]);
      assert.equal(file.size, size);
      assert.equal(file.name, `f${size}.bin`);
      assert.equal(file.url, `/files/${file.id}`);
      assert.equal(message.content, "");
      assert.equal(message.channelId, fx.channelId);
      assert.equal(message.author.id, fx.alice.id);

      // Stored as ceil(size / 64 KiB) chunks of at most 64 KiB, then metadata.
      const chunks = await Array.fromAsync(
        fx.kv.list<Uint8Array>({ prefix: ["file_chunks", file.id] }),
      );
      assert.equal(chunks.length, Math.ceil(size / CHUNK), `size ${size}`);
      assert.ok(chunks.every((c) => c.value.length <= CHUNK));
      const meta = await fx.kv.get<{ sha256: string }>(["files", file.id]);
      assert.equal(meta.value?.sha256, sha256(bytes));

      const got = await download(fx, file.url, fx.alice.token);
      assert.equal(got.status, 200, `size ${size}`);
      assert.equal(got.bytes.length, size);
      assert.equal(sha256(got.bytes), sha256(bytes), `size ${size}`);
      assert.equal(got.headers.get("content-length"), String(size));
      assert.equal(got.headers.get("etag"), `"${sha256(bytes)}"`);
      assert.equal(got.headers.get("cache-control"), "private");
      assert.equal(got.headers.get("accept-ranges"), "bytes");
      const modified = Date.parse(got.headers.get("last-modified") ?? "");
      assert.ok(Math.abs(modified - Date.now()) < 60_000, "Last-Modified");
      assert.equal(got.headers.get("content-type"), "application/octet-stream");
      assertSafetyHeaders(got.headers);
    }
    await assertNoUploadLeftovers(fx.kv);
    const history = await messagesOf(fx);
    assert.deepEqual(history.map((m) => m.seq), [1, 2, 3, 4, 5]);
  });
});

Deno.test("the `upload` field name works, and `content` becomes the caption", async () => {
  await withFiles(async (fx) => {
    const bytes = randomBytes(3000);
    const message = await uploadOk(fx, bytes, {
      field: "upload",
      name: "notes.bin",
      content: "  the minutes  ",
    });
    assert.equal(message.content, "the minutes");
    assert.equal(message.file.name, "notes.bin");
    const got = await download(fx, message.file.url, fx.alice.token);
    assert.equal(sha256(got.bytes), sha256(bytes));

    const [stored] = await messagesOf(fx);
    assert.deepEqual(stored, message);
  });
});

Deno.test("a retried upload with the same clientId stores one message and one file", async () => {
  await withFiles(async (fx) => {
    const send = (bytes: Uint8Array<ArrayBuffer>) => {
      const form = new FormData();
      form.append("clientId", "retry-1");
      form.append("file", new File([bytes], "retry.bin"));
      return fx.alice.api.send("POST", `/channels/${fx.channelId}/files`, {
        body: form,
      });
    };
    const bytes = randomBytes(CHUNK * 3);
    const first = await send(bytes);
    assert.equal(first.status, 201);
    assert.equal(first.body.clientId, "retry-1");
    const again = await send(bytes);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    // The second copy of the bytes is not kept: nothing would ever point at it.
    assert.equal(await count(fx.kv, ["files"]), 1);
    assert.equal(await count(fx.kv, ["file_chunks"]), 3);
    await assertNoUploadLeftovers(fx.kv);
    assert.equal((await messagesOf(fx)).length, 1);
  });
});

Deno.test("a caption over the message limit answers 422 and keeps nothing", async () => {
  await withFiles(async (fx) => {
    const res = await upload(fx, randomBytes(200_000), {
      content: "x".repeat(4001),
    });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    await assertNoUploadLeftovers(fx.kv);
    assert.equal(await count(fx.kv, ["files"]), 0);
    assert.deepEqual(await messagesOf(fx), []);
  });
});

// ------------------------------------------------------- ranges and caching

Deno.test("Range requests answer 206 with Content-Range, or 416 past the end", async () => {
  await withFiles(async (fx) => {
    const size = 200_000;
    const bytes = randomBytes(size);
    const { file } = await uploadOk(fx, bytes);
    const etag = `"${sha256(bytes)}"`;

    const cases: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      ["bytes=65530-65545", 65530, 65545], // across a chunk boundary
      ["bytes=131072-131072", 131072, 131072], // one byte, first of a chunk
      ["bytes=199990-", 199990, size - 1],
      ["bytes=0-", 0, size - 1],
      ["bytes=-10", size - 10, size - 1],
      ["bytes=-500000", 0, size - 1], // a suffix longer than the file
      ["bytes=100-999999", 100, size - 1], // the end is clamped
    ];
    for (const [range, start, end] of cases) {
      const got = await download(fx, file.url, fx.alice.token, {
        headers: { range },
      });
      assert.equal(got.status, 206, range);
      assert.equal(
        got.headers.get("content-range"),
        `bytes ${start}-${end}/${size}`,
        range,
      );
      assert.equal(got.headers.get("content-length"), String(end - start + 1));
      assert.deepEqual(got.bytes, bytes.subarray(start, end + 1), range);
      assert.equal(got.headers.get("etag"), etag);
      assertSafetyHeaders(got.headers);
    }

    for (const range of ["bytes=200000-", "bytes=999999-1000000", "bytes=-0"]) {
      const got = await download(fx, file.url, fx.alice.token, {
        headers: { range },
      });
      assert.equal(got.status, 416, range);
      assert.equal(got.headers.get("content-range"), `bytes */${size}`, range);
    }

    // Malformed or foreign ranges are ignored: the whole file, 200.
    for (const range of ["bytes=5-2", "items=0-1", "bytes=abc"]) {
      const got = await download(fx, file.url, fx.alice.token, {
        headers: { range },
      });
      assert.equal(got.status, 200, range);
      assert.equal(sha256(got.bytes), sha256(bytes));
    }

    // An empty file has no byte to give.
    const empty = await uploadOk(fx, new Uint8Array(0));
    const got = await download(fx, empty.file.url, fx.alice.token, {
      headers: { range: "bytes=0-" },
    });
    assert.equal(got.status, 416);
    assert.equal(got.headers.get("content-range"), "bytes */0");
  });
});

Deno.test("If-None-Match with the ETag answers 304 without a body", async () => {
  await withFiles(async (fx) => {
    const bytes = randomBytes(70_000);
    const { file } = await uploadOk(fx, bytes);
    const first = await download(fx, file.url, fx.alice.token);
    const etag = first.headers.get("etag")!;
    assert.equal(etag, `"${sha256(bytes)}"`);

    for (const tag of [etag, `W/${etag}`, `"nope", ${etag}`]) {
      const got = await download(fx, file.url, fx.alice.token, {
        headers: { "if-none-match": tag, range: "bytes=0-9" },
      });
      assert.equal(got.status, 304, tag);
      assert.equal(got.bytes.length, 0);
      assert.equal(got.headers.get("etag"), etag);
    }
    const changed = await download(fx, file.url, fx.alice.token, {
      headers: { "if-none-match": '"something-else"' },
    });
    assert.equal(changed.status, 200);
    assert.equal(sha256(changed.bytes), sha256(bytes));
  });
});

Deno.test("HEAD answers the headers of GET without the body", async () => {
  await withFiles(async (fx) => {
    const bytes = randomBytes(CHUNK * 2 + 5);
    const { file } = await uploadOk(fx, bytes, { name: "head.bin" });
    const get = await download(fx, file.url, fx.alice.token);
    const head = await download(fx, file.url, fx.alice.token, {
      method: "HEAD",
    });
    assert.equal(head.status, 200);
    assert.equal(head.bytes.length, 0);
    for (
      const name of [
        "content-length",
        "content-type",
        "content-disposition",
        "etag",
        "last-modified",
        "cache-control",
        "accept-ranges",
        "x-content-type-options",
        "content-security-policy",
      ]
    ) {
      assert.equal(head.headers.get(name), get.headers.get(name), name);
    }
    assert.equal(head.headers.get("content-length"), String(bytes.length));

    const stranger = await signUp(fx.base);
    const hidden = await download(fx, file.url, stranger.token, {
      method: "HEAD",
    });
    assert.equal(hidden.status, 404);
  });
});

// ---------------------------------------------------------------- the limit

Deno.test("a file of exactly the limit is accepted; one byte more is 413", async () => {
  await withFiles(async (fx) => {
    const exact = randomBytes(MIB);
    const message = await uploadOk(fx, exact);
    const got = await download(fx, message.file.url, fx.alice.token);
    assert.equal(sha256(got.bytes), sha256(exact));

    const res = await upload(fx, randomBytes(MIB + 1));
    assert.equal(res.status, 413, JSON.stringify(res.body));
    assert.equal(res.body.code, "file_too_large");
    await assertNoUploadLeftovers(fx.kv);
    assert.equal((await messagesOf(fx)).length, 1);
    await assertServing(fx);
  }, ["--max-upload-mb", "1"]);
});

Deno.test("a Content-Length over the limit answers 413 at once and keeps nothing", async () => {
  await withFiles(async (fx) => {
    // 3 MiB is refused from the header alone; 1.5 MiB (within the room for
    // multipart overhead) is refused once the file part crosses 1 MiB.
    for (const size of [3 * MIB, 1.5 * MIB]) {
      const body = concat(
        preamble('name="file"; filename="big.bin"'),
        new Uint8Array(size),
        EPILOGUE,
      );
      const res = await fx.alice.api.send(
        "POST",
        `/channels/${fx.channelId}/files`,
        {
          body,
          headers: { "content-type": MULTIPART },
        },
      );
      assert.equal(res.status, 413, `size ${size}`);
      assert.equal(res.body.code, "file_too_large");
      await assertNoUploadLeftovers(fx.kv);
      await assertServing(fx);
    }
    assert.equal(await count(fx.kv, ["files"]), 2); // the two assertServing files
  }, ["--max-upload-mb", "1"]);
});

Deno.test("a chunked body crossing the limit midway answers 413 before it ends", async () => {
  await withFiles(async (fx) => {
    const total = 64 * MIB;
    let produced = 0;
    let opened = false;
    let finished = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!opened) {
          opened = true;
          controller.enqueue(preamble('name="file"; filename="endless.bin"'));
        } else if (produced < total) {
          produced += CHUNK;
          controller.enqueue(randomBytes(CHUNK));
        } else {
          finished = true;
          controller.enqueue(EPILOGUE);
          controller.close();
        }
      },
    });
    const res = await fetch(
      new URL(`/channels/${fx.channelId}/files`, fx.base),
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${fx.alice.token}`,
          "content-type": MULTIPART,
        },
        body,
      },
    );
    assert.equal(res.status, 413);
    assert.equal((await res.json()).code, "file_too_large");
    assert.equal(finished, false, "the answer waited for the whole body");
    assert.ok(produced < total / 2, `${produced} bytes were read first`);
    await assertNoUploadLeftovers(fx.kv);
    assert.deepEqual(await messagesOf(fx), []);
    await assertServing(fx);
  }, ["--max-upload-mb", "1"]);
});

// ------------------------------------------------------ cut-off uploads

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

for (const framing of ["content-length", "chunked"] as const) {
  Deno.test(`an upload cut off midway (${framing}) leaves no message and no chunks`, async () => {
    await withFiles(async (fx) => {
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: fx.server.port,
      });
      try {
        const head = [
          `POST /channels/${fx.channelId}/files HTTP/1.1`,
          `Host: 127.0.0.1:${fx.server.port}`,
          `Authorization: Bearer ${fx.alice.token}`,
          `Content-Type: ${MULTIPART}`,
          framing === "chunked"
            ? "Transfer-Encoding: chunked"
            : `Content-Length: ${4 * MIB}`,
        ];
        await writeAll(conn, text(head.join("\r\n") + "\r\n\r\n"));
        const sent = concat(
          preamble('name="file"; filename="cut.bin"'),
          randomBytes(MIB + 12_345),
        );
        await writeAll(
          conn,
          framing === "chunked"
            ? concat(
              text(`${sent.length.toString(16)}\r\n`),
              sent,
              text("\r\n"),
            )
            : sent,
        );
        // Wait until the server has stored some of it, then hang up.
        await waitFor(async () => await count(fx.kv, ["file_chunks"]) > 0, {
          what: "A chunk stored before the cut",
        });
      } finally {
        conn.close();
      }
      // The server notices the hang-up and deletes at once; the sweeper is
      // the backstop for a process that died before it could.
      await waitFor(async () => await count(fx.kv, ["upload_started"]) === 0, {
        what: "The server deleting the cut-off upload",
        timeoutMs: 5_000,
      }).catch(() => {
        // Not a failure by itself: the sweep below clears what is left, and
        // the leftovers check after it is the assertion.
      });
      await sweepAbandonedUploads(fx.kv, { olderThanMs: 0 });
      await assertNoUploadLeftovers(fx.kv);
      assert.equal(await count(fx.kv, ["files"]), 0);
      assert.deepEqual(await messagesOf(fx), []);
      await assertServing(fx);
    });
  });
}

// ---------------------------------------------------------- who may do what

Deno.test("only members of the file's channel can read it; everyone else gets 404", async () => {
  await withFiles(async (fx) => {
    const bytes = randomBytes(5000);
    const { file } = await uploadOk(fx, bytes);
    const bob = await signUp(fx.base);

    for (const token of [bob.token, undefined, "not-a-token"]) {
      const got = await download(fx, file.url, token);
      assert.equal(got.status, 404, `token ${token}`);
      assert.equal(
        JSON.parse(new TextDecoder().decode(got.bytes)).code,
        "file_not_found",
      );
    }
    // An unknown id reads the same as a file one may not see.
    const unknown = await download(
      fx,
      `/files/${crypto.randomUUID()}`,
      fx.alice.token,
    );
    assert.equal(unknown.status, 404);

    // Joining opens it; leaving closes it again.
    assert.equal(
      (await bob.api.post(`/channels/${fx.channelId}/join`)).status,
      200,
    );
    const joined = await download(fx, file.url, bob.token);
    assert.equal(joined.status, 200);
    assert.equal(sha256(joined.bytes), sha256(bytes));
    assert.equal(
      (await bob.api.post(`/channels/${fx.channelId}/leave`)).status,
      204,
    );
    assert.equal((await download(fx, file.url, bob.token)).status, 404);
  });
});

Deno.test("uploads need a member (403), a token (401), a file (422) and multipart (415)", async () => {
  await withFiles(async (fx) => {
    const bob = await signUp(fx.base);
    const nonMember = await upload(fx, randomBytes(100), { token: bob.token });
    assert.equal(nonMember.status, 403, JSON.stringify(nonMember.body));

    const anonymous = await upload(fx, randomBytes(100), { token: null });
    assert.equal(anonymous.status, 401);
    const badToken = await upload(fx, randomBytes(100), { token: "nope" });
    assert.equal(badToken.status, 401);

    const captionOnly = new FormData();
    captionOnly.append("content", "no file here");
    const noFile = await fx.alice.api.send(
      "POST",
      `/channels/${fx.channelId}/files`,
      {
        body: captionOnly,
      },
    );
    assert.equal(noFile.status, 422);
    assert.equal(noFile.body.code, "file_required");

    const otherField = new FormData();
    otherField.append("attachment", new File([randomBytes(10)], "a.bin"));
    const wrongField = await fx.alice.api.send(
      "POST",
      `/channels/${fx.channelId}/files`,
      {
        body: otherField,
      },
    );
    assert.equal(wrongField.status, 422);

    const json = await fx.alice.api.post(`/channels/${fx.channelId}/files`, {
      file: "aGVsbG8=",
    });
    assert.equal(json.status, 415);
    const raw = await fx.alice.api.send(
      "POST",
      `/channels/${fx.channelId}/files`,
      {
        body: randomBytes(100),
        headers: { "content-type": "application/octet-stream" },
      },
    );
    assert.equal(raw.status, 415);

    for (const res of [nonMember, anonymous, noFile, json]) {
      assert.equal(typeof res.body.detail, "string");
      assert.equal(typeof res.body.code, "string");
    }
    await assertNoUploadLeftovers(fx.kv);
    assert.equal(await count(fx.kv, ["files"]), 0);
    assert.deepEqual(await messagesOf(fx), []);
  });
});

// ------------------------------------------------------------------ safety

Deno.test("HTML and SVG are served as attachments with nosniff and a sandbox", async () => {
  await withFiles(async (fx) => {
    const cases = [
      {
        name: "page.html",
        bytes: text("<!doctype html><script>alert(document.cookie)</script>"),
        type: "text/html",
      },
      {
        name: "logo.svg",
        bytes: text(
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        type: "image/svg+xml",
      },
      {
        name: "prolog.svg",
        bytes: text(
          '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        ),
        type: "image/svg+xml",
      },
      // An SVG dressed up as a PNG is not believed, nor shown in place.
      {
        name: "fake.png",
        bytes: text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        type: "application/octet-stream",
        claimed: "image/png",
      },
    ];
    for (const c of cases) {
      const { file } = await uploadOk(fx, c.bytes, {
        name: c.name,
        type: c.claimed ?? c.type,
      });
      assert.equal(file.type, c.type, c.name);
      const got = await download(fx, file.url, fx.alice.token);
      assert.equal(got.status, 200);
      assert.equal(got.headers.get("content-type"), c.type, c.name);
      const disposition = got.headers.get("content-disposition") ?? "";
      assert.match(disposition, /^attachment; /, c.name);
      assert.ok(
        disposition.includes(`filename*=UTF-8''${c.name}`),
        disposition,
      );
      assertSafetyHeaders(got.headers);
      assert.deepEqual(got.bytes, c.bytes);
    }
  });
});

Deno.test("PNG bytes are served inline as image/png whatever the name or claimed type; PDF and text are downloads", async () => {
  await withFiles(async (fx) => {
    const { file } = await uploadOk(fx, PNG, {
      name: "notes.txt",
      type: "text/html",
    });
    assert.equal(file.type, "image/png");
    assert.equal(file.name, "notes.txt");
    // Its pixel size rides along, read from the header, for the page's layout.
    assert.equal(file.width, 1);
    assert.equal(file.height, 1);
    const listed = await fx.alice.api.get(
      `/channels/${fx.channelId}/messages?limit=1`,
    );
    assert.deepEqual(
      [listed.body[0].file.width, listed.body[0].file.height],
      [1, 1],
    );
    const got = await download(fx, file.url, fx.alice.token);
    assert.equal(got.headers.get("content-type"), "image/png");
    assert.equal(
      got.headers.get("content-disposition"),
      `inline; filename="notes.txt"; filename*=UTF-8''notes.txt`,
    );
    assertSafetyHeaders(got.headers);
    assert.deepEqual(got.bytes, PNG);

    // PDF is a download: the browser's viewer would run in the app's origin.
    const pdf = await uploadOk(fx, text("%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"), {
      name: "doc",
    });
    assert.equal(pdf.file.type, "application/pdf");
    assert.equal("width" in pdf.file, false);
    const pdfGot = await download(fx, pdf.file.url, fx.alice.token);
    assert.equal(
      pdfGot.headers.get("content-disposition"),
      `attachment; filename="doc"; filename*=UTF-8''doc`,
    );
    assertSafetyHeaders(pdfGot.headers);

    const plain = await uploadOk(fx, text("hello"), {
      name: "hello.txt",
      type: "image/png",
    });
    assert.equal(plain.file.type, "text/plain");
    const plainGot = await download(fx, plain.file.url, fx.alice.token);
    assert.match(
      plainGot.headers.get("content-disposition") ?? "",
      /^attachment; /,
    );
  });
});

Deno.test("hostile file names are stored and sent back safely", async () => {
  await withFiles(async (fx) => {
    // Hand-made parts, so the server sees the names exactly as written.
    const cases = [
      {
        disposition: 'name="file"; filename="../../etc/passwd"',
        name: "passwd",
        header: `attachment; filename="passwd"; filename*=UTF-8''passwd`,
      },
      {
        disposition: 'name="file"; filename="..\\\\..\\\\boot.ini"',
        name: "boot.ini",
        header: `attachment; filename="boot.ini"; filename*=UTF-8''boot.ini`,
      },
      {
        // A quote and a newline, via RFC 5987 encoding.
        disposition: `name="file"; filename*=UTF-8''a%22b%0Ac.txt`,
        name: 'a"bc.txt',
        header: `attachment; filename="a_bc.txt"; filename*=UTF-8''a%22bc.txt`,
      },
      {
        disposition: 'name="file"; filename="say \\"hi\\".txt"',
        name: 'say "hi".txt',
        header:
          `attachment; filename="say _hi_.txt"; filename*=UTF-8''say%20%22hi%22.txt`,
      },
      {
        // A right-to-left override would make "gpj.exe" read as "exe.jpg".
        disposition: `name="file"; filename*=UTF-8''%E2%80%AEgpj.exe`,
        name: "gpj.exe",
        header: `attachment; filename="gpj.exe"; filename*=UTF-8''gpj.exe`,
      },
      {
        disposition: 'name="file"; filename=".."',
        name: "file",
        header: `attachment; filename="file"; filename*=UTF-8''file`,
      },
    ];
    for (const c of cases) {
      const bytes = randomBytes(64);
      const res = await fx.alice.api.send(
        "POST",
        `/channels/${fx.channelId}/files`,
        {
          body: concat(preamble(c.disposition), bytes, EPILOGUE),
          headers: { "content-type": MULTIPART },
        },
      );
      assert.equal(
        res.status,
        201,
        `${c.disposition}: ${JSON.stringify(res.body)}`,
      );
      assert.equal(res.body.file.name, c.name);
      const meta = await fx.kv.get<{ name: string }>([
        "files",
        res.body.file.id,
      ]);
      assert.equal(meta.value?.name, c.name);
      const got = await download(fx, res.body.file.url, fx.alice.token);
      assert.equal(got.headers.get("content-disposition"), c.header);
      assert.deepEqual(got.bytes, bytes);
    }

    // Long names are cut to 255 UTF-8 bytes, keeping the extension.
    const long = "é".repeat(300) + ".txt";
    const { file } = await uploadOk(fx, text("x"), { name: long });
    assert.ok(encoder.encode(file.name).length <= 255);
    assert.match(file.name, /^é+\.txt$/);
  });
});

// --------------------------------------------------------------- real time

Deno.test("the file's message reaches the channel's sockets", async () => {
  await withFiles(async (fx) => {
    const bob = await signUp(fx.base);
    assert.equal(
      (await bob.api.post(`/channels/${fx.channelId}/join`)).status,
      200,
    );
    const socket = await FrameSocket.open(fx.base, fx.channelId, bob.token);
    try {
      await socket.next("ready");
      const bytes = randomBytes(100_000);
      const message = await uploadOk(fx, bytes, {
        name: "live.bin",
        content: "look",
      });
      const live = await socket.message(message.seq);
      assert.deepEqual(live, message);
      assert.equal(live.content, "look");
      assert.equal(live.file?.name, "live.bin");
      const got = await download(fx, live.file!.url, bob.token);
      assert.equal(sha256(got.bytes), sha256(bytes));
    } finally {
      await socket.close();
    }
  });
});

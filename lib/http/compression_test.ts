import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { withDeadline } from "../../tests/helpers/deadline.ts";
import { compressResponse } from "./compression.ts";
import { chooseCoding, compressibleType } from "./encoding.ts";

Deno.test("chooseCoding() follows q-values and prefers brotli on a tie", () => {
  assert.equal(chooseCoding(null), null);
  assert.equal(chooseCoding(""), null);
  assert.equal(chooseCoding("gzip, deflate, br, zstd"), "br");
  assert.equal(chooseCoding("gzip"), "gzip");
  assert.equal(chooseCoding("br;q=0.4, gzip;q=0.8"), "gzip");
  assert.equal(chooseCoding("BR;Q=0"), null);
  assert.equal(chooseCoding("identity"), null);
  assert.equal(chooseCoding("*;q=0.5, br;q=0"), "gzip");
  assert.equal(chooseCoding("br", ["gzip"]), null);
});

Deno.test("compressibleType() takes text formats only", () => {
  for (
    const type of [
      "text/html; charset=utf-8",
      "application/json",
      "application/manifest+json; charset=utf-8",
      "text/javascript; charset=utf-8",
      "text/css",
      "image/svg+xml",
    ]
  ) assert.ok(compressibleType(type), type);
  for (
    const type of [
      null,
      "image/png",
      "application/zip",
      "application/pdf",
      "video/mp4",
      "text/event-stream",
    ]
  ) assert.ok(!compressibleType(type), String(type));
});

Deno.test("compressResponse() streams: coded bytes leave before the body ends", async () => {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  const part = new TextEncoder().encode("[" + '"a line of JSON",'.repeat(4000));
  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async start(controller) {
      controller.enqueue(part);
      await finished;
      controller.enqueue(new TextEncoder().encode('"end"]'));
      controller.close();
    },
  });
  const res = await compressResponse(
    new Request("http://localhost/", {
      headers: { "accept-encoding": "gzip" },
    }),
    new Response(body, { headers: { "content-type": "application/json" } }),
  );
  assert.equal(res.headers.get("content-encoding"), "gzip");
  const reader = res.body!.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  // The source is still open: a buffering implementation would never answer.
  const first = await withDeadline(
    reader.read(),
    5_000,
    "The first coded bytes",
  );
  assert.ok(!first.done && first.value.byteLength > 0);
  chunks.push(first.value!);
  finish();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  const all = new Uint8Array(await new Blob(chunks).arrayBuffer());
  assert.equal(
    new TextDecoder().decode(gunzipSync(all)),
    "[" + '"a line of JSON",'.repeat(4000) + '"end"]',
  );
});

Deno.test("compressResponse() leaves coded, ranged, no-transform and tiny answers alone", async () => {
  const big = "x".repeat(4096);
  const req = (headers: Record<string, string> = {}) =>
    new Request("http://localhost/", {
      headers: { "accept-encoding": "br", ...headers },
    });
  const json = (headers: Record<string, string> = {}, status = 200) =>
    new Response(big, {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  const cases: [string, Request, Response][] = [
    ["already coded", req(), json({ "content-encoding": "gzip" })],
    ["206", req(), json({ "content-range": "bytes 0-9/4096" }, 206)],
    ["asked for a range", req({ range: "bytes=0-9" }), json()],
    ["no-transform", req(), json({ "cache-control": "no-transform" })],
    [
      "tiny",
      req(),
      new Response("{}", { headers: { "content-type": "application/json" } }),
    ],
  ];
  for (const [name, request, response] of cases) {
    const out = await compressResponse(request, response);
    const coding = out.headers.get("content-encoding");
    assert.ok(coding === null || coding === "gzip", name);
    assert.notEqual(coding, "br", name);
    await out.body?.cancel();
  }
  const tiny = await compressResponse(
    req(),
    new Response("{}", { headers: { "content-type": "application/json" } }),
  );
  assert.equal(await tiny.text(), "{}");
  assert.equal(tiny.headers.get("vary"), "Accept-Encoding");
});

Deno.test("compressResponse() codes a whole body in one call with its length, gzip first", async () => {
  const value = Array.from({ length: 200 }, (_, i) => ({ seq: i, text: "hi" }));
  const plain = JSON.stringify(value);
  for (
    const [accept, coding, decode] of [
      ["gzip, deflate, br", "gzip", gunzipSync],
      ["br", "br", brotliDecompressSync],
    ] as const
  ) {
    const res = await compressResponse(
      new Request("http://localhost/", {
        headers: { "accept-encoding": accept },
      }),
      Response.json(value),
    );
    assert.equal(res.headers.get("content-encoding"), coding);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.headers.get("content-length"), String(bytes.byteLength));
    assert.ok(bytes.byteLength < plain.length / 3);
    assert.equal(new TextDecoder().decode(decode(bytes)), plain);
  }
});

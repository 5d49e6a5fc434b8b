import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { compressResponse } from "./compression.ts";
import { knownBodyOf, knownJsonResponse } from "./known_body.ts";

const gzipRequest = new Request("http://x/", {
  headers: { "accept-encoding": "gzip" },
});

Deno.test("knownJsonResponse() answers as Response.json does, with its length and known bytes", async () => {
  const value = { seq: 1, content: "hello", nested: { a: [1, 2] } };
  const known = knownJsonResponse(value, { status: 201 });
  const plain = Response.json(value, { status: 201 });
  assert.equal(known.status, plain.status);
  assert.equal(
    known.headers.get("content-type"),
    plain.headers.get("content-type"),
  );
  const bytes = knownBodyOf(known)!;
  assert.equal(known.headers.get("content-length"), String(bytes.byteLength));
  assert.deepEqual(bytes, new Uint8Array(await plain.arrayBuffer()));
  assert.deepEqual(await known.json(), value);
  assert.equal(knownJsonResponse(value).status, 200);
});

Deno.test("compressResponse() codes a known body from its bytes without opening its stream, and leaves a small one as it is", async () => {
  const value = { content: "x".repeat(4000) };
  const large = knownJsonResponse(value);
  const coded = await compressResponse(gzipRequest, large);
  assert.equal(large.bodyUsed, false);
  assert.equal(coded.headers.get("content-encoding"), "gzip");
  const bytes = knownBodyOf(coded)!;
  assert.equal(coded.headers.get("content-length"), String(bytes.byteLength));
  assert.deepEqual(JSON.parse(gunzipSync(bytes).toString()), value);
  const small = knownJsonResponse({ seq: 1 });
  assert.equal(await compressResponse(gzipRequest, small), small);
  assert.equal(small.bodyUsed, false);
  assert.equal(small.headers.get("vary"), "Accept-Encoding");
});

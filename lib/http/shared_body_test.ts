import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { compressResponse } from "./compression.ts";
import { knownBodyOf } from "./known_body.ts";
import { sharedBodyOf, sharedJsonResponse } from "./shared_body.ts";

Deno.test("sharedJsonResponse() gives each request its own response of the same bytes", async () => {
  const owner = {};
  const value = { messages: "x".repeat(2000) };
  const first = sharedJsonResponse(owner, value);
  const second = sharedJsonResponse(owner, value);
  assert.notEqual(first, second);
  assert.equal(sharedBodyOf(first), sharedBodyOf(second));
  // Headers set on one answer (a request id) stay on that answer.
  first.headers.set("x-request-id", "one");
  assert.equal(second.headers.get("x-request-id"), null);
  assert.equal(first.headers.get("content-type"), "application/json");
  assert.deepEqual(await first.json(), value);
  assert.deepEqual(await second.json(), value);
  // A status or headers of the caller's are kept.
  const created = sharedJsonResponse(owner, value, {
    status: 201,
    headers: { etag: '"1"' },
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("etag"), '"1"');
  assert.equal(created.headers.get("content-type"), "application/json");
  assert.deepEqual(await created.json(), value);
});

Deno.test("a shared body's coded copy carries its known bytes for the server to send whole", async () => {
  const value = { messages: "y".repeat(4000) };
  const response = sharedJsonResponse({}, value);
  assert.deepEqual(
    knownBodyOf(response),
    new TextEncoder().encode(JSON.stringify(value)),
  );
  const req = new Request("http://x/", {
    headers: { "accept-encoding": "gzip" },
  });
  const coded = await compressResponse(req, response);
  const bytes = knownBodyOf(coded)!;
  assert.equal(coded.headers.get("content-encoding"), "gzip");
  assert.equal(coded.headers.get("content-length"), String(bytes.byteLength));
  assert.deepEqual(JSON.parse(gunzipSync(bytes).toString()), value);
  assert.deepEqual(new Uint8Array(await coded.arrayBuffer()), bytes);
  // Once read, the body is no longer known: nothing sends it twice.
  assert.equal(knownBodyOf(coded), undefined);
});

Deno.test("a shared body's coded copy keeps every header of the answer, each cookie too", async () => {
  const value = { messages: "z".repeat(4000) };
  const req = new Request("http://x/", {
    headers: { "accept-encoding": "gzip" },
  });
  const owner = {};
  const response = sharedJsonResponse(owner, value);
  response.headers.append("set-cookie", "a=1");
  response.headers.append("set-cookie", "b=2");
  response.headers.set("x-one", "1");
  const coded = await compressResponse(req, response);
  assert.deepEqual(coded.headers.getSetCookie(), ["a=1", "b=2"]);
  assert.equal(coded.headers.get("x-one"), "1");
  assert.equal(coded.headers.get("content-type"), "application/json");
  assert.equal(coded.headers.get("vary"), "Accept-Encoding");
  // A second copy shares the bytes, not the first copy's headers.
  const again = await compressResponse(req, sharedJsonResponse(owner, value));
  assert.equal(again.headers.get("x-one"), null);
  assert.deepEqual(knownBodyOf(again), knownBodyOf(coded));
  assert.deepEqual(
    JSON.parse(
      gunzipSync(new Uint8Array(await again.arrayBuffer())).toString(),
    ),
    value,
  );
  // A status of the caller's is kept on the coded copy.
  const created = await compressResponse(
    req,
    sharedJsonResponse(owner, value, {
      status: 201,
      headers: [["set-cookie", "c=3"], ["set-cookie", "d=4"]],
    }),
  );
  assert.equal(created.status, 201);
  assert.deepEqual(created.headers.getSetCookie(), ["c=3", "d=4"]);
  assert.equal(created.headers.get("content-encoding"), "gzip");
});

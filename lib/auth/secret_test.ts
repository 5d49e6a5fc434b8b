import assert from "node:assert/strict";
import { KEY_BYTES, loadSigningKey } from "./secret.ts";

Deno.test("loadSigningKey() generates a key once and returns it on every call", async () => {
  using kv = await Deno.openKv(":memory:");
  const first = await loadSigningKey(kv);
  assert.equal(first.length, KEY_BYTES);
  assert.deepEqual(await loadSigningKey(kv), first);
  assert.deepEqual((await kv.get(["config", "jwt_key"])).value, first);
});

Deno.test("loadSigningKey() agrees on one key when called concurrently", async () => {
  using kv = await Deno.openKv(":memory:");
  const keys = await Promise.all(
    Array.from({ length: 10 }, () => loadSigningKey(kv)),
  );
  for (const key of keys) assert.deepEqual(key, keys[0]);
});

Deno.test("loadSigningKey() agrees on one key across two instances of one database", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using a = await Deno.openKv(`${dir}/hearth.db`);
    using b = await Deno.openKv(`${dir}/hearth.db`);
    const [keyA, keyB] = await Promise.all([
      loadSigningKey(a),
      loadSigningKey(b),
    ]);
    assert.deepEqual(keyA, keyB);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSigningKey() derives the key from a secret, overriding the stored one", async () => {
  using kv = await Deno.openKv(":memory:");
  const stored = await loadSigningKey(kv);
  const secret = "a long and unguessable secret";
  const derived = await loadSigningKey(kv, secret);
  assert.equal(derived.length, 32);
  assert.notDeepEqual(derived, stored);
  assert.deepEqual(await loadSigningKey(kv, secret), derived);
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(secret),
  );
  assert.deepEqual(derived, new Uint8Array(digest));
  assert.notDeepEqual(await loadSigningKey(kv, secret + "!"), derived);
  // The secret is not written anywhere.
  assert.deepEqual((await kv.get(["config", "jwt_key"])).value, stored);
});

Deno.test("loadSigningKey() with a secret works on an empty database without writing", async () => {
  using kv = await Deno.openKv(":memory:");
  await loadSigningKey(kv, "a long and unguessable secret");
  assert.equal((await kv.get(["config", "jwt_key"])).value, null);
});

Deno.test("loadSigningKey() treats an empty secret as none", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.deepEqual(await loadSigningKey(kv, ""), await loadSigningKey(kv));
});

Deno.test("loadSigningKey() refuses a short secret", async () => {
  using kv = await Deno.openKv(":memory:");
  await assert.rejects(
    loadSigningKey(kv, "hunter2"),
    /Secret must be at least 16 characters/,
  );
});

Deno.test("loadSigningKey() refuses a damaged stored key rather than replacing it", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["config", "jwt_key"], "not bytes");
  await assert.rejects(loadSigningKey(kv), /is invalid/);
  await kv.set(["config", "jwt_key"], new Uint8Array(8));
  await assert.rejects(loadSigningKey(kv), /is invalid/);
});

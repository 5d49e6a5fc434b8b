import assert from "node:assert/strict";
import { isRevoked, revokeToken } from "./revocations.ts";

const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

Deno.test("revokeToken() makes isRevoked() true for that jti only", async () => {
  using kv = await Deno.openKv(":memory:");
  const jti = crypto.randomUUID();
  assert.equal(await isRevoked(kv, jti), false);
  await revokeToken(kv, jti, inSeconds(3600));
  assert.equal(await isRevoked(kv, jti), true);
  assert.equal(await isRevoked(kv, crypto.randomUUID()), false);
});

Deno.test("revokeToken() can be called twice for one jti", async () => {
  using kv = await Deno.openKv(":memory:");
  const jti = crypto.randomUUID();
  await revokeToken(kv, jti, inSeconds(60));
  await revokeToken(kv, jti, inSeconds(60));
  assert.equal(await isRevoked(kv, jti), true);
});

Deno.test("revokeToken() still records a token at or past its expiry", async () => {
  using kv = await Deno.openKv(":memory:");
  const jti = crypto.randomUUID();
  await revokeToken(kv, jti, inSeconds(-10));
  assert.equal(await isRevoked(kv, jti), true);
});

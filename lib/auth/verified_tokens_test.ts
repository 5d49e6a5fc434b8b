import assert from "node:assert/strict";
import { account, withServices } from "../chat/_test_services.ts";
import { banUser } from "../db/bans.ts";
import { revokeToken } from "./revocations.ts";
import { authenticateToken } from "./session.ts";
import { signToken } from "./token.ts";
import { verifyTokenCached } from "./verified_tokens.ts";

const key = crypto.getRandomValues(new Uint8Array(32));
const otherKey = crypto.getRandomValues(new Uint8Array(32));

Deno.test("verifyTokenCached() answers a remembered token only under its own key and until it expires", async () => {
  const { token, jti } = await signToken(key, crypto.randomUUID(), 1);
  assert.equal((await verifyTokenCached(key, token))?.jti, jti);
  assert.equal((await verifyTokenCached(key, token))?.jti, jti, "remembered");
  assert.equal(await verifyTokenCached(otherKey, token), null);
  // A changed signature (in its middle: the last character has spare bits).
  const at = token.lastIndexOf(".") + 5;
  const forged = token.slice(0, at) + (token[at] === "A" ? "B" : "A") +
    token.slice(at + 1);
  assert.equal(await verifyTokenCached(key, forged), null);
  // Its one-second life ends: the memory does not outlive the token.
  const { exp } = (await verifyTokenCached(key, token))!;
  await new Promise((resolve) =>
    setTimeout(resolve, exp * 1000 - Date.now() + 50)
  );
  assert.equal(await verifyTokenCached(key, token), null);
});

Deno.test("a remembered token is refused at once once revoked, and once its user is banned", async () => {
  await withServices(async (services) => {
    for (const end of ["revoke", "ban"] as const) {
      const user = await account(services, `cached_${end}`);
      const signed = await signToken(services.signingKey, user.id, 3600);
      const before = await authenticateToken(services, signed.token);
      assert.equal(before?.user.id, user.id, end);
      if (end === "revoke") {
        await revokeToken(services.kv, signed.jti, signed.exp);
      } else {
        await banUser(
          services.kv,
          crypto.randomUUID(),
          user.id,
          "spam",
          () => {},
        );
      }
      assert.equal(await authenticateToken(services, signed.token), null, end);
    }
  });
});

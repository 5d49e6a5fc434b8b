/** Revoked access tokens, remembered by `jti` until they would have expired anyway. */
import { revokedTokenKey } from "../db/_keys.ts";
import type { KvRow } from "../db/rows.ts";

// KV drops expired entries lazily, so a short floor costs nothing and keeps
// a token revoked on the very edge of its life from slipping through.
const MIN_EXPIRE_MS = 1000;

/** Marks the token `jti`, which expires at `exp` (seconds since the epoch), as revoked. */
export async function revokeToken(
  kv: Deno.Kv,
  jti: string,
  exp: number,
): Promise<void> {
  const expireIn = Math.max(MIN_EXPIRE_MS, Math.ceil(exp * 1000 - Date.now()));
  const result = await kv.set(revokedTokenKey(jti), exp, { expireIn });
  if (!result.ok) throw new Error(`Could not revoke token "${jti}"`);
}

/**
 * The row a revocation is restored as, expiring with its token; null once
 * the token has expired anyway and there is nothing to remember.
 */
export function revokedTokenRow(jti: string, exp: number): KvRow | null {
  const expireIn = exp * 1000 - Date.now();
  return expireIn > 0
    ? { key: revokedTokenKey(jti), value: exp, expireIn }
    : null;
}

/** Whether the token `jti` has been revoked. */
export async function isRevoked(kv: Deno.Kv, jti: string): Promise<boolean> {
  const entry = await kv.get(revokedTokenKey(jti));
  return entry.value !== null;
}

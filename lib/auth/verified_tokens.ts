/**
 * Signature checks remembered for a short time. Checking an HS256 token's
 * signature is pure (the same token and key always give the same answer), so
 * a token seen a moment ago need not be checked with crypto again: the
 * request path did that on every API call. Only the signature and claims are
 * remembered; revocation and the user's ban are read from KV on every
 * request (see session.ts), so a sign-out or ban takes effect at once.
 */
import { type TokenClaims, verifyToken } from "./token.ts";

/** How long a checked token is trusted without checking its signature again. */
export const VERIFIED_TTL_MS = 60_000;

/** Most tokens remembered at once per key; the oldest is forgotten first. */
export const VERIFIED_MAX = 10_000;

interface Entry {
  claims: TokenClaims;
  until: number;
}

// One memory per signing key, so a token is never trusted under another key.
const memories = new WeakMap<Uint8Array, Map<string, Entry>>();

/**
 * {@linkcode verifyToken}, remembering a valid token's claims for up to
 * {@linkcode VERIFIED_TTL_MS} and never past its expiry. Refusals are not
 * remembered: they are cheap to repeat and would let junk fill the memory.
 */
export async function verifyTokenCached(
  key: Uint8Array,
  token: string,
): Promise<TokenClaims | null> {
  let memory = memories.get(key);
  if (!memory) memories.set(key, memory = new Map());
  const now = Date.now();
  const known = memory.get(token);
  if (known) {
    if (known.until > now && known.claims.exp * 1000 > now) {
      return known.claims;
    }
    memory.delete(token);
  }
  const claims = await verifyToken(key, token);
  if (claims === null) return null;
  if (memory.size >= VERIFIED_MAX) {
    // Maps iterate in insertion order: the first key is the oldest entry.
    memory.delete(memory.keys().next().value!);
  }
  memory.set(token, {
    claims,
    until: Math.min(now + VERIFIED_TTL_MS, claims.exp * 1000),
  });
  return claims;
}

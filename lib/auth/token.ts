/** HS256 access tokens (JWTs) signed and checked with `jose`. */
import { jwtVerify, SignJWT } from "jose";

/** The claims of a verified access token. */
export interface TokenClaims {
  /** The user id. */
  sub: string;
  /** The token's unique id, used to revoke it. */
  jti: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issue time, in seconds since the epoch. */
  iat: number;
}

/** Fewest key bytes accepted: HS256 keys shorter than its 32-byte output weaken it. */
export const MIN_KEY_BYTES = 32;

// Tokens minted by another instance whose clock runs slightly ahead are
// still accepted; anything further in the future is forged or broken.
const CLOCK_SKEW_SECONDS = 60;
// No token this server signs comes near this; longer input is not parsed.
const MAX_TOKEN_LENGTH = 4096;

// Importing the raw key on every verify would redo the same work per request.
const cryptoKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function cryptoKeyFor(key: Uint8Array): Promise<CryptoKey> {
  let cryptoKey = cryptoKeys.get(key);
  if (!cryptoKey) {
    cryptoKey = crypto.subtle.importKey(
      "raw",
      new Uint8Array(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    cryptoKeys.set(key, cryptoKey);
  }
  return cryptoKey;
}

/** Signs an HS256 token for `userId` that lives `ttlSeconds`, with `sub`, `iat`, `exp` and a random `jti`. */
export async function signToken(
  key: Uint8Array,
  userId: string,
  ttlSeconds: number,
): Promise<{ token: string; jti: string; exp: number }> {
  if (key.length < MIN_KEY_BYTES) {
    throw new RangeError(`Signing key must be at least ${MIN_KEY_BYTES} bytes`);
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(
      `Token lifetime must be a positive whole number of seconds, got ${ttlSeconds}`,
    );
  }
  if (userId === "") throw new RangeError("User id must not be empty");
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ttlSeconds;
  const jti = crypto.randomUUID();
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(await cryptoKeyFor(key));
  return { token, jti, exp };
}

/** The claims of `token` if it is a valid, unexpired HS256 token signed with `key`; otherwise `null`, never an error. */
export async function verifyToken(
  key: Uint8Array,
  token: string,
): Promise<TokenClaims | null> {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  try {
    // Pinning the algorithm list is what refuses `alg: none` and every
    // algorithm-confusion trick.
    const { payload } = await jwtVerify(token, await cryptoKeyFor(key), {
      algorithms: ["HS256"],
      requiredClaims: ["sub", "jti", "exp", "iat"],
    });
    const { sub, jti, exp, iat } = payload;
    if (typeof sub !== "string" || sub === "") return null;
    if (typeof jti !== "string" || jti === "") return null;
    if (typeof exp !== "number" || typeof iat !== "number") return null;
    if (iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) return null;
    return { sub, jti, exp, iat };
  } catch {
    return null;
  }
}

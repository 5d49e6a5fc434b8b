/**
 * HS256 access tokens (JWTs): signed with `jose`, checked here with a keyed
 * HMAC from `@noble/hashes`. Every socket and request checks one, and a
 * restart's crowd of reconnects checks thousands of distinct tokens at once;
 * `crypto.subtle.verify` (under `jose`'s `jwtVerify`) cost 30 to 80 µs a call
 * on this path, a cloned keyed HMAC a few µs. The check accepts only what
 * Hearth signs, header byte for byte, so no header field (`alg: none`,
 * another algorithm, `crit`, `b64`) is ever interpreted.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { SignJWT } from "jose";

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

// The one protected header Hearth signs, and so the only one it accepts.
const HEADER = { alg: "HS256", typ: "JWT" } as const;
const HEADER_SEGMENT = base64url(
  new TextEncoder().encode(JSON.stringify(HEADER)),
);
// A segment of base64url without padding, as JWTs write them.
const SEGMENT = /^[A-Za-z0-9_-]+$/;

// Importing the raw key on every sign would redo the same work per token.
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
    .setProtectedHeader(HEADER)
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(await cryptoKeyFor(key));
  return { token, jti, exp };
}

/** The claims of `token` if it is a valid, unexpired HS256 token signed with `key`; otherwise `null`, never an error. */
export function verifyToken(
  key: Uint8Array,
  token: string,
): Promise<TokenClaims | null> {
  return Promise.resolve(checkToken(key, token));
}

function checkToken(key: Uint8Array, token: string): TokenClaims | null {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  if (key.length < MIN_KEY_BYTES) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== HEADER_SEGMENT) return null;
  const [, body, signature] = parts;
  if (!SEGMENT.test(body)) return null;
  const mac = macFor(key).clone()
    .update(encoder.encode(`${HEADER_SEGMENT}.${body}`))
    .digest();
  // Comparing the canonical text, not decoded bytes, also refuses a
  // signature whose last character differs only in its unused bits.
  if (!sameText(base64url(mac), signature)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(
      decoder.decode(Uint8Array.fromBase64(body, { alphabet: "base64url" })),
    );
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null) return null;
  const { sub, jti, exp, iat, nbf } = payload as Record<string, unknown>;
  if (typeof sub !== "string" || sub === "") return null;
  if (typeof jti !== "string" || jti === "") return null;
  if (typeof exp !== "number" || typeof iat !== "number") return null;
  const now = Math.floor(Date.now() / 1000);
  // A token is expired from the second its `exp` names (as RFC 7519 reads).
  if (exp <= now) return null;
  if (iat > now + CLOCK_SKEW_SECONDS) return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now)) {
    return null;
  }
  return { sub, jti, exp, iat };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

// The HMAC keyed once per key: each check clones it, skipping the key's two
// compression rounds.
const macs = new WeakMap<Uint8Array, ReturnType<typeof hmac.create>>();

function macFor(key: Uint8Array): ReturnType<typeof hmac.create> {
  let mac = macs.get(key);
  if (!mac) macs.set(key, mac = hmac.create(sha256, key));
  return mac;
}

function base64url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

// Time depends on the lengths only, never on where the texts first differ.
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

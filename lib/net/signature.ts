/**
 * The signature of an outgoing webhook: HMAC-SHA256, keyed with the bot's
 * webhook secret, over `<timestamp>.<raw body>`, sent as
 * `X-Hearth-Signature: sha256=<hex>` beside `X-Hearth-Timestamp`. Signing
 * the timestamp with the body is what lets a receiver refuse replays: it
 * checks the signature, then that the timestamp is recent.
 */

/** The `X-Hearth-Signature` value of `body` sent at `timestamp` (seconds since the epoch). */
export async function signatureOf(
  secret: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${timestamp}.${body}`),
  );
  return `sha256=${new Uint8Array(mac).toHex()}`;
}

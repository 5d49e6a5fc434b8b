/**
 * Sends one Web Push message: the payload encrypted for the browser
 * (RFC 8291, aes128gcm, by `@block65/webcrypto-web-push` on WebCrypto), a
 * VAPID JWT (RFC 8292, signed with jose), posted through `safePost`: the
 * endpoint's address is checked as the connection is made, and redirects
 * are never followed.
 */
import { encryptNotification } from "@block65/webcrypto-web-push";
import { importJWK, SignJWT } from "jose";
import {
  RefusedTarget,
  refuseUrl,
  safePost,
  type SafeResponse,
  type TargetPolicy,
} from "../net/safe_request.ts";

/** What the sender needs of a subscription. */
export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** The server's VAPID identity. */
export interface VapidIdentity {
  publicKey: string;
  privateJwk: JsonWebKey;
  /** The `sub` claim: a contact for the push service's operators. */
  contact: string;
}

/** How a send ended: delivered, the subscription is gone (404/410), refused here, or failed. */
export type PushOutcome = "sent" | "gone" | "refused" | "failed";

// Push services keep a message this long for a browser that is offline.
const TTL_SECONDS = 24 * 60 * 60;
// A push service that does not answer in this time is given up on; its
// answer's body is not needed.
const SEND_LIMITS = { timeoutMs: 10_000, maxResponseBytes: 4096 };

/** Encrypts `payload` for `target` and posts it, within `policy`. */
export async function sendPush(
  target: PushTarget,
  payload: unknown,
  vapid: VapidIdentity,
  policy: TargetPolicy,
): Promise<PushOutcome> {
  if (refuseUrl(target.endpoint, policy) !== null) return "refused";
  const body = await encryptNotification(
    { endpoint: target.endpoint, expirationTime: null, keys: target.keys },
    new TextEncoder().encode(JSON.stringify(payload)),
  );
  const audience = new URL(target.endpoint).origin;
  const jwt = await new SignJWT({ aud: audience, sub: vapid.contact })
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setExpirationTime("12h")
    .sign(await importJWK(vapid.privateJwk, "ES256"));
  let response: SafeResponse;
  try {
    response = await safePost(
      target.endpoint,
      new Uint8Array(body),
      {
        authorization: `vapid t=${jwt}, k=${vapid.publicKey}`,
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        ttl: String(TTL_SECONDS),
        urgency: "normal",
      },
      policy,
      SEND_LIMITS,
    );
  } catch (error) {
    return error instanceof RefusedTarget ? "refused" : "failed";
  }
  if (response.status === 404 || response.status === 410) return "gone";
  return response.status >= 200 && response.status < 300 ? "sent" : "failed";
}

/**
 * Sends one Web Push message: the payload encrypted for the browser
 * (RFC 8291, aes128gcm, by `@block65/webcrypto-web-push` on WebCrypto), a
 * VAPID JWT (RFC 8292, signed with jose), posted to the endpoint only after
 * `refuseEndpoint` passed it, with redirects never followed.
 */
import { encryptNotification } from "@block65/webcrypto-web-push";
import { importJWK, SignJWT } from "jose";
import { type EndpointPolicy, refuseEndpoint } from "./address.ts";

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
// A push service that does not answer in this time is given up on.
const SEND_TIMEOUT_MS = 10_000;

/** Encrypts `payload` for `target` and posts it, within `policy`. */
export async function sendPush(
  target: PushTarget,
  payload: unknown,
  vapid: VapidIdentity,
  policy: EndpointPolicy,
): Promise<PushOutcome> {
  if (await refuseEndpoint(target.endpoint, policy) !== null) return "refused";
  const body = await encryptNotification(
    { endpoint: target.endpoint, expirationTime: null, keys: target.keys },
    new TextEncoder().encode(JSON.stringify(payload)),
  );
  const audience = new URL(target.endpoint).origin;
  const jwt = await new SignJWT({ aud: audience, sub: vapid.contact })
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setExpirationTime("12h")
    .sign(await importJWK(vapid.privateJwk, "ES256"));
  let response: Response;
  try {
    response = await fetch(target.endpoint, {
      method: "POST",
      headers: {
        authorization: `vapid t=${jwt}, k=${vapid.publicKey}`,
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        ttl: String(TTL_SECONDS),
        urgency: "normal",
      },
      body,
      // A redirect could point anywhere, a private address included.
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch {
    return "failed";
  }
  await response.body?.cancel();
  if (response.status === 404 || response.status === 410) return "gone";
  return response.status >= 200 && response.status < 300 ? "sent" : "failed";
}

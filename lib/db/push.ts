/** Web Push storage: the VAPID key pair, browsers' subscriptions, and what was pushed. */
import {
  allPushSubscriptionsPrefix,
  pushKeysKey,
  pushSentKey,
  pushSubscriptionKey,
  pushSubscriptionsPrefix,
} from "./_keys.ts";
import { now, retryWrites } from "./_kv.ts";
import type { KvRow } from "./rows.ts";

/** The server's VAPID key pair: the public key as browsers take it, the private one as a JWK. */
export interface VapidKeyPair {
  /** Uncompressed P-256 point, base64url (what `applicationServerKey` takes). */
  publicKey: string;
  privateJwk: JsonWebKey;
}

/** A browser's subscription as stored. */
export interface PushSubscriptionRecord {
  id: string;
  userId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: string;
}

// A pushed message is remembered this long; redelivery after that is moot.
const SENT_TTL_MS = 24 * 60 * 60 * 1000;

/** The VAPID key pair, generated and stored on first use; a race keeps the first one stored. */
export async function vapidKeys(kv: Deno.Kv): Promise<VapidKeyPair> {
  const stored = await kv.get<VapidKeyPair>(pushKeysKey);
  if (stored.value) return stored.value;
  const pair = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const keys: VapidKeyPair = {
    publicKey: encodeBase64Url(
      new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)),
    ),
    privateJwk: await crypto.subtle.exportKey("jwk", pair.privateKey),
  };
  const result = await kv.atomic().check(stored).set(pushKeysKey, keys)
    .commit();
  if (result.ok) return keys;
  return (await kv.get<VapidKeyPair>(pushKeysKey)).value!;
}

/** The id of a subscription: a hash of its endpoint, so one browser is one row. */
export async function subscriptionId(endpoint: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(endpoint),
  );
  return encodeBase64Url(new Uint8Array(digest));
}

/** Stores (or refreshes) a browser's subscription for `userId`. */
export async function saveSubscription(
  kv: Deno.Kv,
  userId: string,
  endpoint: string,
  keys: { p256dh: string; auth: string },
): Promise<PushSubscriptionRecord> {
  const id = await subscriptionId(endpoint);
  const record = { id, userId, endpoint, keys, createdAt: now() };
  await retryWrites(
    "the push subscription",
    () => kv.atomic().set(pushSubscriptionKey(userId, id), record),
  );
  return record;
}

/** Removes a subscription of `userId` by its endpoint; an unknown one changes nothing. */
export async function deleteSubscription(
  kv: Deno.Kv,
  userId: string,
  endpoint: string,
): Promise<void> {
  await removeSubscription(kv, userId, await subscriptionId(endpoint));
}

/** Removes a subscription by id (the push service said it is gone). */
export async function removeSubscription(
  kv: Deno.Kv,
  userId: string,
  id: string,
): Promise<void> {
  await retryWrites(
    "the push subscription",
    () => kv.atomic().delete(pushSubscriptionKey(userId, id)),
  );
}

/** Every subscription of the users `userIds`. */
export async function listSubscriptions(
  kv: Deno.Kv,
  userIds: readonly string[],
): Promise<PushSubscriptionRecord[]> {
  const all: PushSubscriptionRecord[] = [];
  for (const userId of userIds) {
    const rows = kv.list<PushSubscriptionRecord>({
      prefix: pushSubscriptionsPrefix(userId),
    });
    for await (const row of rows) all.push(row.value);
  }
  return all;
}

/** The ids of every user with at least one subscribed browser. */
export async function listSubscriberIds(kv: Deno.Kv): Promise<Set<string>> {
  const ids = new Set<string>();
  const rows = kv.list({ prefix: allPushSubscriptionsPrefix });
  for await (const row of rows) ids.add(row.key[1] as string);
  return ids;
}

/**
 * Claims the push of message `seq` to one browser: true the first time
 * only, so no message is pushed to a browser twice, whichever instance tries.
 */
export async function claimPush(
  kv: Deno.Kv,
  subId: string,
  channelId: string,
  seq: number,
): Promise<boolean> {
  const key = pushSentKey(subId, channelId, seq);
  const result = await kv.atomic().check({ key, versionstamp: null })
    .set(key, 1, { expireIn: SENT_TTL_MS }).commit();
  return result.ok;
}

/** The row of the VAPID key pair, as an import restores it. */
export function pushKeysRow(keys: VapidKeyPair): KvRow {
  return { key: pushKeysKey, value: keys };
}

/** The row of a browser's subscription, as an import restores it. */
export function pushSubscriptionRow(record: PushSubscriptionRecord): KvRow {
  return { key: pushSubscriptionKey(record.userId, record.id), value: record };
}

// Base64url without padding, as Web Push spells keys.
function encodeBase64Url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/**
 * The tokens signed for each user, remembered until they expire, so a
 * password change can end every other session of theirs.
 */
import { isChannelId } from "./_channel_store.ts";
import {
  revokedTokenKey,
  userKey,
  userSessionKey,
  userSessionsPrefix,
} from "./_keys.ts";
import type { UserRecord } from "./users.ts";

/** A recorded token: its id and expiry (seconds since the epoch). */
export interface SessionRow {
  jti: string;
  exp: number;
}

// KV drops expired entries lazily; a floor keeps a dying token listed.
const MIN_EXPIRE_MS = 1000;

/** Remembers that token `jti` (expiring at `exp`) was signed for `userId`. */
export async function recordSession(
  kv: Deno.Kv,
  userId: string,
  jti: string,
  exp: number,
): Promise<void> {
  const expireIn = Math.max(MIN_EXPIRE_MS, Math.ceil(exp * 1000 - Date.now()));
  const result = await kv.set(userSessionKey(userId, jti), exp, { expireIn });
  if (!result.ok) throw new Error(`Could not record token "${jti}"`);
}

/** The user's recorded tokens that have not expired. */
export async function listSessions(
  kv: Deno.Kv,
  userId: string,
): Promise<SessionRow[]> {
  const rows: SessionRow[] = [];
  const nowSeconds = Date.now() / 1000;
  for await (
    const entry of kv.list<number>({ prefix: userSessionsPrefix(userId) })
  ) {
    const jti = entry.key.at(-1);
    if (typeof jti === "string" && entry.value > nowSeconds) {
      rows.push({ jti, exp: entry.value });
    }
  }
  return rows;
}

/** Forgets a recorded token (it was revoked). */
export async function forgetSession(
  kv: Deno.Kv,
  userId: string,
  jti: string,
): Promise<void> {
  await kv.delete(userSessionKey(userId, jti));
}

/**
 * What checking a request's token needs from KV, in one read: whether token
 * `jti` was revoked, and the record of its user `userId` (null when unknown).
 */
export async function readTokenStanding(
  kv: Deno.Kv,
  userId: string,
  jti: string,
): Promise<{ revoked: boolean; record: UserRecord | null }> {
  // Ids are UUIDs: anything else cannot exist, and stays out of KV keys.
  if (!isChannelId(userId)) return { revoked: false, record: null };
  const [revoked, user] = await kv.getMany<[unknown, UserRecord]>([
    revokedTokenKey(jti),
    userKey(userId),
  ]);
  return { revoked: revoked.value !== null, record: user.value };
}

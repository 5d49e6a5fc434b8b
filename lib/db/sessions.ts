/**
 * The tokens signed for each user, remembered until they expire, so a
 * password change can end every other session of theirs.
 */
import { isChannelId } from "./_channel_store.ts";
import { type Membership, membershipKeys, membershipOf } from "./channels.ts";
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

/** A token's standing as read from KV (see {@linkcode readTokenStanding}). */
export interface TokenStanding {
  revoked: boolean;
  record: UserRecord | null;
  /** The user's membership of the channel asked for, read in the same round trip. */
  membership?: Membership;
}

/**
 * What checking a request's token needs from KV, in one read: whether token
 * `jti` was revoked, and the record of its user `userId` (null when unknown).
 * With `channelId`, the user's membership of that channel comes in the same
 * read (see `getMembership`): a request to a channel's routes then costs one
 * round trip for both checks instead of two.
 */
export async function readTokenStanding(
  kv: Deno.Kv,
  userId: string,
  jti: string,
  channelId?: string,
): Promise<TokenStanding> {
  // Ids are UUIDs: anything else cannot exist, and stays out of KV keys.
  if (!isChannelId(userId)) return { revoked: false, record: null };
  const also = channelId === undefined ? [] : membershipKeys(channelId, userId);
  const [revoked, user, ...rest] = await kv.getMany([
    revokedTokenKey(jti),
    userKey(userId),
    ...also,
  ]);
  return {
    revoked: revoked.value !== null,
    record: user.value as UserRecord | null,
    ...(channelId === undefined ? {} : { membership: membershipOf(rest) }),
  };
}

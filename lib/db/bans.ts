/**
 * Bans as stored: the user record's `ban` (which every token check reads
 * with the record, so refusing costs nothing) and a listing row, written
 * together with an audit entry in one atomic.
 */
import { isChannelId } from "./_channel_store.ts";
import { banKey, bansPrefix, userKey } from "./_keys.ts";
import { now, retryAtomic } from "./_kv.ts";
import { stageAudit } from "./audit.ts";
import { userNotFound } from "./roles.ts";
import type { KvRow } from "./rows.ts";
import { toPublicUser, type User, type UserRecord } from "./users.ts";

/** A ban as `GET /bans` lists it. */
export interface BanRecord {
  user: { id: string; username: string };
  at: string;
  by: string;
  reason?: string;
}

/**
 * Bans `targetId` (again, when banned already: the reason is replaced),
 * audited as `actorId`'s. `judge` sees the target as stored and throws to refuse.
 */
export async function banUser(
  kv: Deno.Kv,
  actorId: string,
  targetId: string,
  reason: string | undefined,
  judge: (target: User) => void,
): Promise<BanRecord> {
  if (!isChannelId(targetId)) throw userNotFound(targetId);
  return await retryAtomic("the ban", async () => {
    const entry = await kv.get<UserRecord>(userKey(targetId));
    if (entry.value === null) throw userNotFound(targetId);
    judge(toPublicUser(entry.value));
    const ban = { at: now(), by: actorId, ...(reason ? { reason } : {}) };
    const listed: BanRecord = {
      user: { id: targetId, username: entry.value.username },
      ...ban,
    };
    const op = kv.atomic().check(entry)
      .set(entry.key, { ...entry.value, ban })
      .set(banKey(targetId), listed);
    stageAudit(op, {
      actorId,
      action: "ban",
      target: targetId,
      ...(reason ? { reason } : {}),
    });
    return { op, value: listed };
  });
}

/** Lifts `targetId`'s ban (nothing changes when there is none), audited. */
export async function unbanUser(
  kv: Deno.Kv,
  actorId: string,
  targetId: string,
): Promise<void> {
  if (!isChannelId(targetId)) throw userNotFound(targetId);
  await retryAtomic("the unban", async () => {
    const entry = await kv.get<UserRecord>(userKey(targetId));
    if (entry.value === null) throw userNotFound(targetId);
    if (!entry.value.ban) return { value: undefined };
    const { ban: _ban, ...record } = entry.value;
    const op = kv.atomic().check(entry).set(entry.key, record)
      .delete(banKey(targetId));
    stageAudit(op, { actorId, action: "unban", target: targetId });
    return { op, value: undefined };
  });
}

/** The listing row of `user`'s ban, if they are banned (the import derives it from the record). */
export function banRows(user: UserRecord): KvRow[] {
  if (!user.ban) return [];
  const listed: BanRecord = {
    user: { id: user.id, username: user.username },
    ...user.ban,
  };
  return [{ key: banKey(user.id), value: listed }];
}

/** Every ban, by user id. */
export async function listBans(kv: Deno.Kv): Promise<BanRecord[]> {
  const out: BanRecord[] = [];
  for await (const entry of kv.list<BanRecord>({ prefix: bansPrefix })) {
    out.push(entry.value);
  }
  return out;
}

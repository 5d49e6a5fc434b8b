/**
 * Timeouts: while one lasts its person reads but does not write. Each is a
 * row that KV drops when it ends (and that reads ignore once past `until`,
 * as KV drops expired rows lazily), set and lifted with an audit entry.
 */
import { timeoutKey, timeoutsPrefix } from "./_keys.ts";
import { stageAudit } from "./audit.ts";
import { commit } from "./_kv.ts";
import type { KvRow } from "./rows.ts";

/** A timeout as stored. */
export interface TimeoutRecord {
  /** When it ends (ISO 8601). */
  until: string;
  by: string;
  reason?: string;
}

/** The row of a timeout, expiring when it ends; null for one that has ended. */
export function timeoutRow(
  userId: string,
  record: TimeoutRecord,
): KvRow | null {
  const left = Date.parse(record.until) - Date.now();
  if (!(left > 0)) return null;
  return { key: timeoutKey(userId), value: record, expireIn: left };
}

/** When `userId`'s timeout ends, or null when they are not timed out. */
export async function timedOutUntil(
  kv: Deno.Kv,
  userId: string,
): Promise<string | null> {
  const value = (await kv.get<TimeoutRecord>(timeoutKey(userId))).value;
  return value !== null && Date.parse(value.until) > Date.now()
    ? value.until
    : null;
}

/** Every timeout in force, by user id. */
export async function listTimeouts(
  kv: Deno.Kv,
): Promise<(TimeoutRecord & { userId: string })[]> {
  const out: (TimeoutRecord & { userId: string })[] = [];
  const nowMs = Date.now();
  for await (
    const entry of kv.list<TimeoutRecord>({ prefix: timeoutsPrefix })
  ) {
    // KV drops ended rows lazily: an ended one may still be listed.
    if (Date.parse(entry.value.until) <= nowMs) continue;
    out.push({ userId: String(entry.key[1]), ...entry.value });
  }
  return out;
}

/** Times `userId` out for `seconds` (replacing any timeout), audited as `actorId`'s. */
export async function timeOut(
  kv: Deno.Kv,
  actorId: string,
  userId: string,
  seconds: number,
  reason?: string,
): Promise<TimeoutRecord> {
  const record: TimeoutRecord = {
    until: new Date(Date.now() + seconds * 1000).toISOString(),
    by: actorId,
    ...(reason ? { reason } : {}),
  };
  const op = kv.atomic().set(timeoutKey(userId), record, {
    expireIn: seconds * 1000,
  });
  stageAudit(op, {
    actorId,
    action: "timeout",
    target: userId,
    ...(reason ? { reason } : {}),
  });
  await mustCommit(op, "the timeout");
  return record;
}

/** Lifts `userId`'s timeout (nothing changes when there is none), audited. */
export async function liftTimeout(
  kv: Deno.Kv,
  actorId: string,
  userId: string,
): Promise<void> {
  const op = kv.atomic().delete(timeoutKey(userId));
  stageAudit(op, { actorId, action: "timeout_lifted", target: userId });
  await mustCommit(op, "lifting the timeout");
}

// Neither write checks anything, so only a store fault fails it.
async function mustCommit(op: Deno.AtomicOperation, what: string) {
  const result = await commit(op);
  if (!result.ok) throw new Error(`Could not store ${what}`);
}

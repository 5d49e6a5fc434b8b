/**
 * Who is online on each running instance, as each instance last wrote it:
 * its users in parts of at most {@linkcode ONLINE_PART_USERS}, rewritten every
 * heartbeat with an expiry, so a record of an instance that died goes away.
 * Other instances read them all back (one list) to learn, and to repair, the
 * union; a record whose `beat` stops moving belongs to a dead instance.
 */
import { allOnlinePrefix, onlinePartKey } from "./_keys.ts";

/** Users per part: 1,000 ids of 36 characters stay well under KV's 64 KiB per value. */
export const ONLINE_PART_USERS = 1000;

// Parts written per atomic: about 400 KB, under KV's 800 KiB per commit.
const PARTS_PER_COMMIT = 10;

/** An instance's online users, as written. */
export interface OnlineRecord {
  /** The last change batch the instance had sent when it wrote this. */
  seq: number;
  /** Counts the instance's writes: it moves while the instance lives. */
  beat: number;
  /** Wall-clock ms of the write. */
  at: number;
  /** Users with a socket there (or in their grace period). */
  users: string[];
}

// One stored part: the record's fields and a slice of its users.
interface OnlinePart extends OnlineRecord {
  parts: number;
}

/**
 * Writes `instance`'s record, expiring after `expireInMs`, and deletes the
 * parts past its end that `oldParts` says an earlier write left; answers the
 * number of parts written.
 */
export async function writeOnlineRecord(
  kv: Deno.Kv,
  instance: string,
  record: Omit<OnlineRecord, "at">,
  expireInMs: number,
  oldParts = 0,
): Promise<number> {
  const parts = Math.max(1, Math.ceil(record.users.length / ONLINE_PART_USERS));
  const at = Date.now();
  for (
    let first = 0;
    first < Math.max(parts, oldParts);
    first += PARTS_PER_COMMIT
  ) {
    const op = kv.atomic();
    for (let i = first; i < first + PARTS_PER_COMMIT; i++) {
      if (i < parts) {
        const users = record.users.slice(
          i * ONLINE_PART_USERS,
          (i + 1) * ONLINE_PART_USERS,
        );
        const part: OnlinePart = { ...record, at, parts, users };
        op.set(onlinePartKey(instance, i), part, { expireIn: expireInMs });
      } else if (i < oldParts) op.delete(onlinePartKey(instance, i));
    }
    await op.commit();
  }
  return parts;
}

/** Deletes `instance`'s record (it is shutting down). */
export async function deleteOnlineRecord(
  kv: Deno.Kv,
  instance: string,
): Promise<void> {
  const op = kv.atomic();
  for await (const row of kv.list({ prefix: [...allOnlinePrefix, instance] })) {
    op.delete(row.key);
  }
  await op.commit();
}

/**
 * Every instance's record, by instance id. One caught between the commits of
 * a write in several parts (parts of two beats) is left out this time.
 */
export async function readOnlineRecords(
  kv: Deno.Kv,
): Promise<Map<string, OnlineRecord>> {
  const byInstance = new Map<string, OnlinePart[]>();
  for await (const row of kv.list<OnlinePart>({ prefix: allOnlinePrefix })) {
    const instance = row.key[1];
    if (typeof instance !== "string") continue;
    const parts = byInstance.get(instance);
    if (parts) parts.push(row.value);
    else byInstance.set(instance, [row.value]);
  }
  const records = new Map<string, OnlineRecord>();
  for (const [instance, parts] of byInstance) {
    // Listed in part order; parts past the count are an older write's.
    const first = parts[0];
    const current = parts.slice(0, first.parts);
    const whole = current.length === first.parts &&
      current.every((p) => p.beat === first.beat);
    if (!whole) continue;
    records.set(instance, {
      seq: first.seq,
      beat: first.beat,
      at: first.at,
      users: current.flatMap((p) => p.users),
    });
  }
  return records;
}

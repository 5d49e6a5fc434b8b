/**
 * How many bytes of files each user has shared, for the per-user storage cap:
 * the sizes of the files their live messages carry. The count moves in the
 * atomic that writes or deletes such a message (see `storageWrite`), so it
 * cannot drift from the messages, kill -9 or not; an import rebuilds it from
 * the messages it restores.
 */
import { userStorageKey } from "./_keys.ts";
import { sum, type Write } from "./_message_writes.ts";
import type { KvRow } from "./rows.ts";

// A count stored below zero (a database from before the count moved with the
// messages) wraps to near 2^64; read as zero, it never locks anyone out.
const NEGATIVE = 1n << 63n;

/** Bytes of files `userId` has shared and not deleted. */
export async function getStorageUsed(
  kv: Deno.Kv,
  userId: string,
): Promise<number> {
  const { value } = await kv.get(userStorageKey(userId));
  if (!(value instanceof Deno.KvU64) || value.value >= NEGATIVE) return 0;
  return Number(value.value);
}

/** The write counting `bytes` against `userId` (negative: freeing them), for a message's atomic. */
export function storageWrite(userId: string, bytes: number): Write {
  return sum(userStorageKey(userId), BigInt(bytes));
}

/** The row an import writes: `bytes` counted against `userId`. */
export function storageRow(userId: string, bytes: number): KvRow {
  return { key: userStorageKey(userId), value: new Deno.KvU64(BigInt(bytes)) };
}

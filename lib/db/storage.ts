/** How many bytes of files each user has shared, for the per-user storage cap. */
import { userStorageKey } from "./_keys.ts";
import { u64ToNumber } from "./_kv.ts";

/** Bytes of files `userId` has shared so far. */
export async function getStorageUsed(
  kv: Deno.Kv,
  userId: string,
): Promise<number> {
  return u64ToNumber((await kv.get(userStorageKey(userId))).value);
}

/** Adds `bytes` to what `userId` has shared (an atomic sum: concurrent uploads add up). */
export async function addStorageUsed(
  kv: Deno.Kv,
  userId: string,
  bytes: number,
): Promise<void> {
  const result = await kv.atomic()
    .sum(userStorageKey(userId), BigInt(bytes))
    .commit();
  if (!result.ok) throw new Error("Recording storage use failed");
}

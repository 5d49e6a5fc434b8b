/**
 * Blocks as stored: one row per blocker and blocked person. Blocking ends
 * any friendship or request between the two in the same atomic.
 */
import { blockKey, blocksPrefix, friendKey } from "./_keys.ts";
import { getManyChunked, now, retryAtomic } from "./_kv.ts";
import type { KvRow } from "./rows.ts";

/** A block as stored. */
export interface BlockRecord {
  /** When it was made (ISO 8601). */
  at: string;
}

/** The row of a block: what the data layer writes and an import restores. */
export function blockRow(
  blockerId: string,
  blockedId: string,
  at: string,
): KvRow {
  return { key: blockKey(blockerId, blockedId), value: { at } };
}

/** Blocks `blockedId` for `blockerId` (again: nothing changes), ending what was between them. */
export async function blockUser(
  kv: Deno.Kv,
  blockerId: string,
  blockedId: string,
): Promise<void> {
  const key = blockKey(blockerId, blockedId);
  await retryAtomic("the block", async () => {
    const existing = await kv.get<BlockRecord>(key);
    // The friend rows go even when the block stood already: nothing may outlive it.
    const op = kv.atomic()
      .check(existing)
      .set(key, existing.value ?? blockRow(blockerId, blockedId, now()).value)
      .delete(friendKey(blockerId, blockedId))
      .delete(friendKey(blockedId, blockerId));
    return { op, value: undefined };
  });
}

/** Lifts `blockerId`'s block of `blockedId` (none: nothing changes). */
export async function unblockUser(
  kv: Deno.Kv,
  blockerId: string,
  blockedId: string,
): Promise<void> {
  await kv.delete(blockKey(blockerId, blockedId));
}

/** Everyone `blockerId` blocked, with when, in no set order. */
export async function listBlocks(
  kv: Deno.Kv,
  blockerId: string,
): Promise<{ userId: string; at: string }[]> {
  const found: { userId: string; at: string }[] = [];
  for await (
    const entry of kv.list<BlockRecord>({ prefix: blocksPrefix(blockerId) })
  ) {
    found.push({ userId: entry.key[2] as string, at: entry.value.at });
  }
  return found;
}

/**
 * Blocks between `userId` and each of `otherIds`: whom `userId` blocked
 * (`iBlocked`) and who blocked `userId` (`blockedMe`), as sets of ids.
 */
export async function blocksBetween(
  kv: Deno.Kv,
  userId: string,
  otherIds: readonly string[],
): Promise<{ iBlocked: Set<string>; blockedMe: Set<string> }> {
  const keys = otherIds.flatMap((id) => [
    blockKey(userId, id),
    blockKey(id, userId),
  ]);
  const entries = await getManyChunked<BlockRecord>(kv, keys);
  const iBlocked = new Set<string>();
  const blockedMe = new Set<string>();
  otherIds.forEach((id, i) => {
    if (entries[2 * i].value !== null) iBlocked.add(id);
    if (entries[2 * i + 1].value !== null) blockedMe.add(id);
  });
  return { iBlocked, blockedMe };
}

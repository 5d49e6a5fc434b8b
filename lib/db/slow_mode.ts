/**
 * Slow mode's memory: when each member last posted in a slow-mode channel,
 * kept in KV (not in a process) so that every instance sharing the database
 * holds a member to one message per window. A post claims its slot with a
 * versionstamp check, so of two posts racing on two instances one wins.
 */
import { slowModeKey } from "./_keys.ts";
import { commit } from "./_kv.ts";

/** A claimed slot: give it back if the message it was for is not stored. */
export interface SlowModeSlot {
  channelId: string;
  userId: string;
  versionstamp: string;
}

/** The outcome of a claim: the slot, or how many ms are left of the window. */
export type SlowModeClaim =
  | { ok: true; slot: SlowModeSlot }
  | { ok: false; waitMs: number };

/** Milliseconds `userId` must still wait in `channelId` with a window of `windowMs` (0: may post). */
export async function slowModeWait(
  kv: Deno.Kv,
  channelId: string,
  userId: string,
  windowMs: number,
): Promise<number> {
  const last = (await kv.get<number>(slowModeKey(channelId, userId))).value;
  return waitLeft(last, windowMs);
}

/**
 * Claims `userId`'s next message in `channelId`: refused while their last
 * post is less than `windowMs` old. A claim that loses a race to another
 * instance's claim is refused with the whole window to wait.
 */
export async function claimSlowModeSlot(
  kv: Deno.Kv,
  channelId: string,
  userId: string,
  windowMs: number,
): Promise<SlowModeClaim> {
  const key = slowModeKey(channelId, userId);
  const entry = await kv.get<number>(key);
  const waitMs = waitLeft(entry.value, windowMs);
  if (waitMs > 0) return { ok: false, waitMs };
  const op = kv.atomic().check(entry).set(key, Date.now(), {
    expireIn: windowMs,
  });
  const result = await commit(op);
  if (!result.ok) return { ok: false, waitMs: windowMs };
  return {
    ok: true,
    slot: { channelId, userId, versionstamp: result.versionstamp },
  };
}

/** Gives a slot back (its message was refused), unless a later claim replaced it. */
export async function releaseSlowModeSlot(
  kv: Deno.Kv,
  slot: SlowModeSlot,
): Promise<void> {
  const key = slowModeKey(slot.channelId, slot.userId);
  await commit(
    kv.atomic().check({ key, versionstamp: slot.versionstamp }).delete(key),
  );
}

function waitLeft(last: number | null, windowMs: number): number {
  if (last === null) return 0;
  return Math.max(0, last + windowMs - Date.now());
}

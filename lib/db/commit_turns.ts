/**
 * Commit turns per channel for the KV handles of one process (its serving
 * workers). Each handle groups its own writers' changes into one commit per
 * channel, but two handles committing to one channel race for its counter:
 * the loser reads again and retries, and under a sustained stream into one
 * channel a handle can lose every one of its attempts (a 409 to the poster).
 * Taking the channel's turn before committing makes the handles alternate
 * instead; what queues meanwhile joins the next commit. The turns live in a
 * SharedArrayBuffer that every worker of the process shares; a handle without
 * one (a single server) commits at once as before.
 */
import { within } from "../within.ts";

// Channels hash onto this many turns; two channels on one turn only wait for
// each other, as their commits do on SQLite's one write lock anyway.
const TURNS = 1024;
// A waiter looks again after this long even unwoken (a release it missed).
const RECHECK_MS = 5;

// Per handle: the shared cells (a lock per turn, then who committed last in
// each) and this handle's own id among them.
const shared = new WeakMap<Deno.Kv, { cells: Int32Array; id: number }>();

/** A fresh set of turns, to hand to every worker of a process. */
export function newCommitTurns(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * TURNS * Int32Array.BYTES_PER_ELEMENT);
}

/** Makes `kv`'s commits take turns with every other handle given `turns`. */
export function shareCommitTurns(kv: Deno.Kv, turns: SharedArrayBuffer): void {
  // Random and odd (never 0, "nobody yet"), so handles in different workers differ.
  const id = crypto.getRandomValues(new Int32Array(1))[0] | 1;
  shared.set(kv, { cells: new Int32Array(turns), id });
}

/**
 * Runs `commit` during `channelId`'s turn among the process's handles (at
 * once without shared turns). `commit` learns whether another handle
 * committed in this turn last: then what this handle remembers of the
 * channel's head is stale.
 */
export async function withCommitTurn<T>(
  kv: Deno.Kv,
  channelId: string,
  commit: (othersWrote: boolean) => Promise<T>,
): Promise<T> {
  const turns = shared.get(kv);
  if (turns === undefined) return await commit(false);
  const { cells, id } = turns;
  const slot = slotOf(channelId);
  while (Atomics.compareExchange(cells, slot, 0, 1) !== 0) {
    const wait = Atomics.waitAsync(cells, slot, 1, RECHECK_MS);
    if (!wait.async) continue;
    // A waitAsync alone does not keep the event loop alive; within's timer does.
    await within(wait.value, RECHECK_MS);
  }
  const last = Atomics.load(cells, TURNS + slot);
  try {
    return await commit(last !== 0 && last !== id);
  } finally {
    Atomics.store(cells, TURNS + slot, id);
    Atomics.store(cells, slot, 0);
    Atomics.notify(cells, slot, 1);
  }
}

// FNV-1a over the id's UTF-16 units: cheap and spreads ids evenly.
function slotOf(channelId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < channelId.length; i++) {
    hash = Math.imul(hash ^ channelId.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % TURNS;
}

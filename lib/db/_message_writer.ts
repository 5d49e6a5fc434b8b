/**
 * Group commit of a channel's changes (posts, edits, deletions, reactions):
 * one queue per KV handle and channel, drained by one writer that puts
 * whatever queued up into the next single atomic.
 */
import { type Change, type ChangeResult } from "./_message_changes.ts";
import { commitBatch } from "./_message_batch.ts";
import { withCommitTurn } from "./commit_turns.ts";
import { forgetHead } from "./_channel_heads.ts";

export {
  type Draft,
  draftSize,
  type MessageRecord,
  toMessage,
} from "./_message_record.ts";
export type { Change, ChangeResult } from "./_message_changes.ts";

// The most changes planned for one atomic; the batch itself stops earlier
// when KV's limits on mutations and bytes come near.
const MAX_BATCH_CHANGES = 64;

interface Pending {
  change: Change;
  resolve(result: ChangeResult): void;
  reject(error: unknown): void;
}

// One queue per KV handle and channel. Writers in this process take turns
// instead of racing for the counter, and whatever queued up while a commit was
// in flight is written by the next single atomic (group commit). Writers in
// other processes are still handled by the versionstamp check and retry; other
// handles of this process (serving workers) take turns (commit_turns.ts).
const queues = new WeakMap<Deno.Kv, Map<string, Pending[]>>();

// Who hears, in this process, that a channel's changes were committed.
const listeners = new WeakMap<Deno.Kv, Set<(channelId: string) => void>>();

/** Calls `listener` with the channel's id after each commit of its changes; returns the unsubscribe. */
export function onChangesCommitted(
  kv: Deno.Kv,
  listener: (channelId: string) => void,
): () => void {
  let set = listeners.get(kv);
  if (set === undefined) {
    set = new Set();
    listeners.set(kv, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Applies `change` to the messages of `channelId` in the channel's next commit. */
export function writeChange(
  kv: Deno.Kv,
  channelId: string,
  change: Change,
): Promise<ChangeResult> {
  return new Promise((resolve, reject) => {
    let channels = queues.get(kv);
    if (channels === undefined) {
      channels = new Map();
      queues.set(kv, channels);
    }
    const pending = { change, resolve, reject };
    const queue = channels.get(channelId);
    if (queue !== undefined) {
      queue.push(pending);
      return;
    }
    const fresh = [pending];
    channels.set(channelId, fresh);
    drain(kv, channelId, fresh, channels);
  });
}

async function drain(
  kv: Deno.Kv,
  channelId: string,
  queue: Pending[],
  channels: Map<string, Pending[]>,
): Promise<void> {
  while (queue.length > 0) {
    // Other handles of this process (serving workers) wait for this turn; the
    // batch is taken once it comes, so what queued while waiting joins it.
    await withCommitTurn(kv, channelId, async (othersWrote) => {
      if (othersWrote) forgetHead(kv, channelId);
      const batch = queue.splice(0, MAX_BATCH_CHANGES);
      try {
        const outcomes = await commitBatch(
          kv,
          channelId,
          batch.map((p) => p.change),
        );
        outcomes.forEach((outcome, i) => {
          if (outcome instanceof Error) batch[i].reject(outcome);
          else batch[i].resolve(outcome);
        });
        for (const listener of listeners.get(kv) ?? []) listener(channelId);
        // What did not fit goes first into the next batch, keeping the order.
        queue.unshift(...batch.slice(outcomes.length));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    });
  }
  // Same tick as the emptiness check, so no writer can be left in a dead queue.
  channels.delete(channelId);
}

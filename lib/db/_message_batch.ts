/**
 * Commits a batch of changes to one channel's messages in one atomic, checked
 * on the channel's counter (which every change writes, so the check covers
 * every message the batch read). Posts alone go at once from a remembered
 * head, with no reads; anything else, or a stale head, goes the slow way,
 * which reads the counter and what the changes touch, and retries.
 */
import { ApiError } from "../errors.ts";
import {
  forgetHead,
  type Head,
  headOf,
  rememberHead,
} from "./_channel_heads.ts";
import { channelSeqKey } from "./_keys.ts";
import { commit, now, retryAtomic } from "./_kv.ts";
import { emptyState, readState } from "./_message_batch_reads.ts";
import {
  type BatchState,
  type Change,
  type ChangeResult,
  planChange,
  type Write,
} from "./_message_changes.ts";
import type { ChannelCounter } from "./_message_record.ts";
import { merge } from "./_message_writes.ts";
import { checksPerAtomic } from "./open.ts";

/** A change's outcome: what it did, or why it was refused. */
export type Outcome = ChangeResult | ApiError;

// Far below KV's per-atomic limits (1,000 mutations, 800 KiB), which the
// estimates in `_message_changes.ts` overstate.
const MAX_MUTATIONS = 900;
const MAX_BYTES = 600 * 1024;

/**
 * Commits as many of `changes`, in order, as fit in one atomic (at least the
 * first); answers one outcome for each change taken, so the caller queues the
 * rest again.
 */
export async function commitBatch(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
): Promise<Outcome[]> {
  const head = headOf(kv, channelId);
  // Posts that answer or mention someone read what they name.
  const postsOnly = changes.every((c) =>
    c.kind === "post" && c.draft.replyTo === undefined &&
    c.draft.mentionNames.length === 0
  );
  if (head !== undefined && postsOnly) {
    const fast = await commitOnHead(kv, channelId, changes, head);
    if (fast !== null) return fast;
    forgetHead(kv, channelId);
  }
  return await retryAtomic("the message", async () => {
    const { state, versionstamp } = await readState(kv, channelId, changes);
    const start = state.counter;
    const { outcomes, writes } = plan(state, changes);
    if (writes.length === 0) {
      rememberHead(kv, channelId, { ...start, versionstamp });
      return { value: outcomes };
    }
    // The check on the counter covers every row read: every change to a
    // message, its indexes and the clientIds writes the counter in the same atomic.
    const op = kv.atomic().check({
      key: channelSeqKey(channelId),
      versionstamp,
    });
    stage(op, channelId, writes, state.counter);
    return {
      op,
      value: outcomes,
      committed: (stamp) =>
        rememberHead(kv, channelId, { ...state.counter, versionstamp: stamp }),
    };
  });
}

// One attempt with no reads, from a remembered head; null when a check failed.
async function commitOnHead(
  kv: Deno.Kv,
  channelId: string,
  changes: Change[],
  head: Head,
): Promise<Outcome[] | null> {
  const state = emptyState(channelId, head);
  const { outcomes, writes } = plan(state, changes);
  // More clientIds than checks fit: the slow way reads them instead.
  if (state.claimed.length >= checksPerAtomic(kv)) return null;
  const op = kv.atomic().check({
    key: channelSeqKey(channelId),
    versionstamp: head.versionstamp,
  });
  stage(op, channelId, writes, state.counter);
  // A clientId already in the index fails the commit: its twin is read then.
  for (const key of state.claimed) op.check({ key, versionstamp: null });
  const result = await commit(op);
  if (!result.ok) return null;
  rememberHead(kv, channelId, {
    ...state.counter,
    versionstamp: result.versionstamp,
  });
  return outcomes;
}

// Plans changes in order while they fit; later writes to a key replace earlier
// ones, but sums to one key (a user's storage) add up.
function plan(
  state: BatchState,
  changes: Change[],
): { outcomes: Outcome[]; writes: Write[] } {
  const at = now();
  const outcomes: Outcome[] = [];
  const writes = new Map<string, Write>();
  let bytes = 0;
  for (const change of changes) {
    const planned = planChange(state, change, at);
    if (planned instanceof ApiError) {
      outcomes.push(planned);
      continue;
    }
    const added = planned.writes.reduce((sum, w) => sum + w.bytes, 0);
    if (
      outcomes.length > 0 &&
      (writes.size + planned.writes.length > MAX_MUTATIONS ||
        bytes + added > MAX_BYTES)
    ) break;
    for (const write of planned.writes) {
      const key = JSON.stringify(write.key);
      writes.set(key, merge(writes.get(key), write));
    }
    bytes += added;
    planned.apply(state);
    outcomes.push(planned.result);
  }
  return { outcomes, writes: [...writes.values()] };
}

function stage(
  op: Deno.AtomicOperation,
  channelId: string,
  writes: Write[],
  counter: ChannelCounter,
): void {
  for (const write of writes) {
    if (write.delete) op.delete(write.key);
    else if (write.sum !== undefined) op.sum(write.key, write.sum);
    else op.set(write.key, write.value);
  }
  op.set(channelSeqKey(channelId), { seq: counter.seq, rev: counter.rev });
}

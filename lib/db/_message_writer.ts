/**
 * Group commit of messages: one queue per KV handle and channel, drained by
 * one writer that puts whatever queued up into the next single atomic.
 */
import { commitBatch } from "./_message_batch.ts";
import {
  type CreateMessageResult,
  type Draft,
  draftSize,
} from "./_message_record.ts";

export {
  type Draft,
  draftSize,
  type MessageRecord,
  toMessage,
} from "./_message_record.ts";

// Batches stay far below KV's per-atomic limits (1,000 mutations, 800 KiB):
// each message costs at most 3 mutations (its row, its clientId, its file's
// unreferenced mark) and its size is capped in messages.ts.
const MAX_BATCH_MESSAGES = 64;
const MAX_BATCH_BYTES = 400 * 1024;

interface Pending {
  draft: Draft;
  size: number;
  resolve(result: CreateMessageResult): void;
  reject(error: unknown): void;
}

// One queue per KV handle and channel. Writers in this process take turns
// instead of racing for the counter, and whatever queued up while a commit was
// in flight is written by the next single atomic (group commit). Writers in
// other processes are still handled by the versionstamp check and retry.
const queues = new WeakMap<Deno.Kv, Map<string, Pending[]>>();

/** Stores `draft` with the next seq of its channel, or returns its clientId twin. */
export function writeMessage(
  kv: Deno.Kv,
  draft: Draft,
): Promise<CreateMessageResult> {
  return new Promise((resolve, reject) => {
    let channels = queues.get(kv);
    if (channels === undefined) {
      channels = new Map();
      queues.set(kv, channels);
    }
    const pending = { draft, size: draftSize(draft), resolve, reject };
    const queue = channels.get(draft.channelId);
    if (queue !== undefined) {
      queue.push(pending);
      return;
    }
    const fresh = [pending];
    channels.set(draft.channelId, fresh);
    drain(kv, draft.channelId, fresh, channels);
  });
}

async function drain(
  kv: Deno.Kv,
  channelId: string,
  queue: Pending[],
  channels: Map<string, Pending[]>,
): Promise<void> {
  while (queue.length > 0) {
    const batch = takeBatch(queue);
    try {
      const results = await commitBatch(
        kv,
        channelId,
        batch.map((p) => p.draft),
      );
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
  // Same tick as the emptiness check, so no writer can be left in a dead queue.
  channels.delete(channelId);
}

function takeBatch(queue: Pending[]): Pending[] {
  let count = 1;
  let bytes = queue[0].size;
  while (
    count < queue.length && count < MAX_BATCH_MESSAGES &&
    bytes + queue[count].size <= MAX_BATCH_BYTES
  ) {
    bytes += queue[count].size;
    count++;
  }
  return queue.splice(0, count);
}

import { channelNotFound } from "./_channel_store.ts";
import {
  channelKey,
  channelSeqKey,
  messageClientIdKey,
  messageKey,
} from "./_keys.ts";
import {
  backoff,
  commit,
  getManyChunked,
  MAX_ATTEMPTS,
  now,
  writeConflict,
} from "./_kv.ts";
import type {
  CreateMessageResult,
  FileRef,
  Message,
  MessageAuthor,
} from "./messages.ts";

/** A validated message waiting for its seq. */
export interface Draft {
  id: string;
  channelId: string;
  author: MessageAuthor;
  content: string;
  clientId?: string;
  file: FileRef | null;
}

/** A message as stored; the file's URL is derived on read. */
export interface MessageRecord extends Omit<Message, "file"> {
  file: FileRef | null;
}

// Batches stay far below KV's per-atomic limits (1,000 mutations, 800 KiB):
// each message costs at most 2 mutations and its size is capped in messages.ts.
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

/** Upper bound of a draft's stored size in bytes (UTF-8 never exceeds 3 per unit). */
export function draftSize(draft: Draft): number {
  return JSON.stringify(draft).length * 3 + 256;
}

/** Derives the public message from a stored one. */
export function toMessage(record: MessageRecord): Message {
  const file = record.file === null
    ? null
    : { ...record.file, url: `/files/${encodeURIComponent(record.file.id)}` };
  return { ...record, file };
}

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

/** Writes drafts with consecutive seqs in one atomic, checked on the counter. */
async function commitBatch(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
): Promise<CreateMessageResult[]> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [channel, counter] = await kv.getMany<[unknown, number]>([
      channelKey(channelId),
      channelSeqKey(channelId),
    ]);
    if (channel.value === null) throw channelNotFound(channelId);
    const earlier = await findByClientId(kv, channelId, drafts);
    const op = kv.atomic().check(counter);
    const results: CreateMessageResult[] = [];
    let seq = counter.value ?? 0;
    for (const draft of drafts) {
      const idKey = clientKey(draft);
      const twin = idKey === null ? undefined : earlier.get(idKey);
      if (twin !== undefined) {
        results.push({ message: twin, created: false });
        continue;
      }
      seq += 1;
      const record: MessageRecord = {
        id: draft.id,
        channelId,
        seq,
        author: draft.author,
        content: draft.content,
        createdAt: now(),
        ...(draft.clientId === undefined ? {} : { clientId: draft.clientId }),
        file: draft.file,
      };
      op.set(messageKey(channelId, seq), record);
      const message = toMessage(record);
      if (idKey !== null) {
        op.set(
          messageClientIdKey(channelId, draft.author.id, draft.clientId!),
          seq,
        );
        // A repeat inside the same batch gets this message, not a second one.
        earlier.set(idKey, message);
      }
      results.push({ message, created: true });
    }
    if (seq === (counter.value ?? 0)) return results;
    // The check on the counter covers the clientId index too: both only ever
    // change in the same atomic, so an unchanged counter means no new twins.
    op.set(channelSeqKey(channelId), seq);
    const result = await commit(op);
    if (result.ok) return results;
    await backoff(attempt);
  }
  throw writeConflict("the message");
}

function clientKey(draft: Draft): string | null {
  return draft.clientId === undefined
    ? null
    : `${draft.author.id}\n${draft.clientId}`;
}

/** Stored messages of drafts whose clientId was already used, by clientKey. */
async function findByClientId(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
): Promise<Map<string, Message>> {
  const found = new Map<string, Message>();
  const withId = drafts.filter((d) => d.clientId !== undefined);
  if (withId.length === 0) return found;
  const seqs = await getManyChunked<number>(
    kv,
    withId.map((d) => messageClientIdKey(channelId, d.author.id, d.clientId!)),
  );
  const hits = withId.flatMap((draft, i) => {
    const seq = seqs[i].value;
    return seq === null ? [] : [{ draft, seq }];
  });
  if (hits.length === 0) return found;
  const records = await getManyChunked<MessageRecord>(
    kv,
    hits.map((hit) => messageKey(channelId, hit.seq)),
  );
  hits.forEach((hit, i) => {
    const record = records[i].value;
    if (record !== null) found.set(clientKey(hit.draft)!, toMessage(record));
  });
  return found;
}

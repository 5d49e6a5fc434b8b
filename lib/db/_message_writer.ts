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

/** Where a channel's counter stood after this process's last commit to it. */
interface Head {
  seq: number;
  versionstamp: string | null;
}

// Heads of channels this process wrote to, per KV handle. With a head the next
// batch needs no reads: its atomic checks that the counter is still at the
// head's versionstamp and that none of its clientIds is taken. Any change made
// elsewhere (another process, a repeated clientId) fails that check, and the
// batch is written again the slow way, which reads everything. Channels are
// never deleted, so a channel seen once through the slow way keeps existing.
const heads = new WeakMap<Deno.Kv, Map<string, Head>>();
// A bound on remembered heads; forgetting one only costs the next batch a read.
const MAX_HEADS = 1024;

function headsOf(kv: Deno.Kv): Map<string, Head> {
  let map = heads.get(kv);
  if (map === undefined) {
    map = new Map();
    heads.set(kv, map);
  }
  return map;
}

function rememberHead(kv: Deno.Kv, channelId: string, head: Head): void {
  const map = headsOf(kv);
  // Re-inserting keeps the Map's order by last use, so the oldest goes first.
  map.delete(channelId);
  map.set(channelId, head);
  if (map.size > MAX_HEADS) map.delete(map.keys().next().value!);
}

/** Writes drafts with consecutive seqs in one atomic, checked on the counter. */
async function commitBatch(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
): Promise<CreateMessageResult[]> {
  const head = headsOf(kv).get(channelId);
  if (head !== undefined) {
    const fast = await commitOnHead(kv, channelId, drafts, head);
    if (fast !== null) return fast;
    headsOf(kv).delete(channelId);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [channel, counter] = await kv.getMany<[unknown, number]>([
      channelKey(channelId),
      channelSeqKey(channelId),
    ]);
    if (channel.value === null) throw channelNotFound(channelId);
    const earlier = await findByClientId(kv, channelId, drafts);
    const start = {
      seq: counter.value ?? 0,
      versionstamp: counter.versionstamp,
    };
    const op = kv.atomic().check(counter);
    const { results, seq } = stage(op, channelId, drafts, start.seq, earlier);
    if (seq === start.seq) {
      rememberHead(kv, channelId, start);
      return results;
    }
    // The check on the counter covers the clientId index too: both only ever
    // change in the same atomic, so an unchanged counter means no new twins.
    const result = await commit(op);
    if (result.ok) {
      rememberHead(kv, channelId, { seq, versionstamp: result.versionstamp });
      return results;
    }
    await backoff(attempt);
  }
  throw writeConflict("the message");
}

// One attempt with no reads, from a remembered head; null when a check failed.
async function commitOnHead(
  kv: Deno.Kv,
  channelId: string,
  drafts: Draft[],
  head: Head,
): Promise<CreateMessageResult[] | null> {
  const op = kv.atomic().check({
    key: channelSeqKey(channelId),
    versionstamp: head.versionstamp,
  });
  const { results, seq, claimed } = stage(
    op,
    channelId,
    drafts,
    head.seq,
    new Map(),
  );
  // A clientId already in the index fails the commit: its twin is read then.
  for (const key of claimed) op.check({ key, versionstamp: null });
  const result = await commit(op);
  if (!result.ok) return null;
  rememberHead(kv, channelId, { seq, versionstamp: result.versionstamp });
  return results;
}

/**
 * Adds the drafts to `op` with seqs after `seq`, the counter included when any
 * is new. Drafts whose clientId is in `earlier` (or repeats one in the batch)
 * get that message instead. Returns the clientId index keys it wrote.
 */
function stage(
  op: Deno.AtomicOperation,
  channelId: string,
  drafts: Draft[],
  startSeq: number,
  earlier: Map<string, Message>,
): { results: CreateMessageResult[]; seq: number; claimed: Deno.KvKey[] } {
  const results: CreateMessageResult[] = [];
  const claimed: Deno.KvKey[] = [];
  let seq = startSeq;
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
      const key = messageClientIdKey(
        channelId,
        draft.author.id,
        draft.clientId!,
      );
      op.set(key, seq);
      claimed.push(key);
      // A repeat inside the same batch gets this message, not a second one.
      earlier.set(idKey, message);
    }
    results.push({ message, created: true });
  }
  if (seq !== startSeq) op.set(channelSeqKey(channelId), seq);
  return { results, seq, claimed };
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

/**
 * The KV search index (where there is no file system for SQLite): bigram
 * and trigram postings per channel, kept by a follower of each
 * channel's change log (by rev) rather than in the message's own atomic. A
 * message can hold up to 4,000 characters, so up to ~8,000 postings: far over
 * KV's 1,000 mutations per atomic, where the writer packs up to 64 messages.
 * Postings are stored in blocks (see `_search_blocks.ts`). Every step here
 * is idempotent and the cursor moves only with the last writes of a step, so a process killed at any point resumes where KV
 * says and reaches the same index.
 */
import { indexGrams, searchText } from "../shared/search_text.ts";
import {
  channelsPrefix,
  messageChangesPrefix,
  messageKey,
  SEARCH_ROOTS,
  searchCursorKey,
  searchDocKey,
  searchPostingKey,
} from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import { checksPerAtomic } from "./open.ts";
import {
  BLOCK_SEQS,
  blockOf,
  decodeBlock,
  encodeBlock,
} from "./_search_blocks.ts";
import type { MessageRecord } from "./_message_record.ts";
import { ChannelRuns } from "./search_backend.ts";
import { bulkIndexChannel } from "./_search_bulk.ts";

// Changes read per step (about one posting block).
const CHANGES_PER_STEP = 1000;

/** The text of a message that search matches: its content and its file's name. */
export function indexedText(record: MessageRecord): string | null {
  if (record.deleted) return null;
  const name = record.file?.name;
  return searchText(name ? `${record.content}\n${name}` : record.content);
}

// One gram's changes in one block, from the messages of a step.
interface BlockChange {
  gram: string;
  block: number;
  add: Set<number>;
  remove: Set<number>;
}

// Adds to `changes` what turning a message's indexed text from `before`
// into `after` does to the posting blocks.
function diff(
  changes: Map<string, BlockChange>,
  seq: number,
  before: string | null,
  after: string | null,
): void {
  if (before === after) return;
  const old = before === null ? new Set<string>() : indexGrams(before);
  const now = after === null ? new Set<string>() : indexGrams(after);
  const block = blockOf(seq);
  const offset = seq % BLOCK_SEQS;
  const touch = (gram: string) => {
    const id = `${block}:${gram}`;
    let change = changes.get(id);
    if (change === undefined) {
      change = { gram, block, add: new Set(), remove: new Set() };
      changes.set(id, change);
    }
    return change;
  };
  for (const gram of old) if (!now.has(gram)) touch(gram).remove.add(offset);
  for (const gram of now) if (!old.has(gram)) touch(gram).add.add(offset);
}

/**
 * Applies one step of the channel's change log to the index. Returns false
 * when there was nothing left to apply. Blocks are read, changed and written
 * back with a check of each, so indexers in other processes cannot lose each
 * other's updates; a failed check redoes the step, which is idempotent.
 */
async function indexStep(kv: Deno.Kv, channelId: string): Promise<boolean> {
  const cursor = await kv.get<number>(searchCursorKey(channelId));
  const from = cursor.value ?? 0;
  const prefix = messageChangesPrefix(channelId);
  const rows: { rev: number; seq: number }[] = [];
  const list = kv.list<number>({ prefix, start: [...prefix, from + 1] }, {
    limit: CHANGES_PER_STEP,
  });
  for await (const entry of list) {
    rows.push({ rev: Number(entry.key[2]), seq: entry.value });
  }
  if (rows.length === 0) return false;
  const seqs = [...new Set(rows.map((r) => r.seq))];
  const [records, docs] = await Promise.all([
    getManyChunked<MessageRecord>(
      kv,
      seqs.map((s) => messageKey(channelId, s)),
    ),
    getManyChunked<string>(kv, seqs.map((s) => searchDocKey(channelId, s))),
  ]);
  // A message changed again after this list was read is indexed as it is
  // now; its later row applies the same state again, which changes nothing.
  const changes = new Map<string, BlockChange>();
  const docWrites: { seq: number; text: string | null }[] = [];
  seqs.forEach((seq, i) => {
    const record = records[i].value;
    const text = record === null ? null : indexedText(record);
    if (text === docs[i].value) return;
    diff(changes, seq, docs[i].value, text);
    docWrites.push({ seq, text });
  });
  const blocks = [...changes.values()];
  const stored = await getManyChunked<Uint8Array>(
    kv,
    blocks.map((b) => searchPostingKey(channelId, b.gram, b.block)),
  );
  const writes: ((atomic: Deno.AtomicOperation) => void)[] = blocks.map(
    (change, i) => (atomic) => {
      const offsets = new Set(decodeBlock(stored[i].value));
      for (const o of change.remove) offsets.delete(o);
      for (const o of change.add) offsets.add(o);
      const value = encodeBlock(offsets);
      atomic.check(stored[i]);
      if (value === null) atomic.delete(stored[i].key);
      else atomic.set(stored[i].key, value);
    },
  );
  for (const { seq, text } of docWrites) {
    const key = searchDocKey(channelId, seq);
    writes.push((atomic) =>
      text === null ? atomic.delete(key) : atomic.set(key, text)
    );
  }
  const lastRev = rows[rows.length - 1].rev;
  // Each block write carries a check, and so does the cursor.
  const perAtomic = checksPerAtomic(kv) - 1;
  for (let i = 0; i === 0 || i < writes.length; i += perAtomic) {
    const atomic = kv.atomic().check(cursor);
    for (const write of writes.slice(i, i + perAtomic)) write(atomic);
    if (i + perAtomic >= writes.length) {
      atomic.set(searchCursorKey(channelId), lastRev);
    }
    // Another indexer got there first: read again and redo what is left.
    if (!(await atomic.commit()).ok) return true;
  }
  return true;
}

async function indexChannel(kv: Deno.Kv, channelId: string): Promise<void> {
  while (await indexStep(kv, channelId));
}

// One run at a time per KV handle and channel in this process.
const runs = new WeakMap<Deno.Kv, ChannelRuns>();

function runsOf(kv: Deno.Kv): ChannelRuns {
  let channels = runs.get(kv);
  if (channels === undefined) {
    channels = new ChannelRuns();
    runs.set(kv, channels);
  }
  return channels;
}

/** Brings the channel's index up to its latest change; resolves when it is. */
export function catchUpChannel(kv: Deno.Kv, channelId: string): Promise<void> {
  return runsOf(kv).after(channelId, () => indexChannel(kv, channelId));
}

// Deletes carry no check, so a delete atomic takes many more rows.
const DELETES_PER_ATOMIC = 500;

/** Drops the whole KV index and builds it again from the stored messages; returns the channels indexed. */
export async function rebuildSearchIndex(kv: Deno.Kv): Promise<number> {
  for (const root of SEARCH_ROOTS) {
    let atomic = kv.atomic();
    let count = 0;
    for await (const entry of kv.list({ prefix: [root] })) {
      atomic.delete(entry.key);
      if (++count === DELETES_PER_ATOMIC) {
        await atomic.commit();
        atomic = kv.atomic();
        count = 0;
      }
    }
    await atomic.commit();
  }
  let channels = 0;
  for await (const entry of kv.list({ prefix: channelsPrefix })) {
    const channelId = entry.key[1] as string;
    // Built whole from the messages, then the changes since from the log.
    await runsOf(kv).after(channelId, () => bulkIndexChannel(kv, channelId));
    await catchUpChannel(kv, channelId);
    channels++;
  }
  return channels;
}

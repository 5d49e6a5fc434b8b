/**
 * The bulk build of one channel's KV search index, for `hearth reindex`
 * after the index was dropped: the channel's messages are read in seq order,
 * whole posting blocks (1,024 seqs each) are built in memory, a few million
 * postings at a time, and written blind in key order, hundreds of rows per
 * atomic, instead of the follower's read-check-write of every block it
 * touches (99 per atomic, 9 through KV Connect, a read of every block
 * first): see bench/README.md "Search" for what that saves.
 *
 * Consistency with a follower or a kill -9 at any point: every atomic here
 * also writes the channel's cursor (0 until the last, which writes the last
 * rev read before the scan), so a follower's step that overlaps one fails
 * its cursor check and is redone; a window's postings are committed before
 * its messages' texts, so a kill leaves texts only for messages whose grams
 * are posted, and the follower (from cursor 0) adds whatever is missing.
 */
import { indexGrams } from "../shared/search_text.ts";
import {
  messageChangesPrefix,
  messagesPrefix,
  searchCursorKey,
  searchDocKey,
  searchPostingKey,
} from "./_keys.ts";
import type { MessageRecord } from "./_message_record.ts";
import { BLOCK_SEQS, blockOf, encodeBlock } from "./_search_blocks.ts";
import { indexedText } from "./search_index.ts";

// Below KV's per-atomic limits (1,000 mutations, 800 KiB, 80 KiB of keys).
const MAX_MUTATIONS = 800;
const MAX_BYTES = 512 * 1024;
const MAX_KEY_BYTES = 60 * 1024;
// Postings held in memory before they are written (about 100 MB at most).
const WINDOW_POSTINGS = 4_000_000;

// An upper bound of a key's encoded size.
function keyBytes(key: Deno.KvKey): number {
  let bytes = 0;
  for (const part of key) {
    bytes += typeof part === "string"
      ? new TextEncoder().encode(part).length + 2
      : 10;
  }
  return bytes;
}

// Sets rows in as few atomics as the limits allow, committed in order.
class BlindWriter {
  #kv: Deno.Kv;
  #cursor: Deno.KvKey;
  #rows: [Deno.KvKey, unknown, number, number][] = [];
  #bytes = 0;
  #keyBytes = 0;

  constructor(kv: Deno.Kv, channelId: string) {
    this.#kv = kv;
    this.#cursor = searchCursorKey(channelId);
  }

  async set(key: Deno.KvKey, value: string | Uint8Array): Promise<void> {
    const k = keyBytes(key);
    const bytes = k +
      (typeof value === "string" ? value.length * 3 : value.length);
    if (
      this.#rows.length + 1 >= MAX_MUTATIONS ||
      this.#bytes + bytes > MAX_BYTES ||
      this.#keyBytes + k > MAX_KEY_BYTES
    ) await this.flush(0);
    this.#rows.push([key, value, bytes, k]);
    this.#bytes += bytes;
    this.#keyBytes += k;
  }

  // Commits what is queued, with the cursor at `cursor`.
  async flush(cursor: number): Promise<void> {
    // An empty channel gets no cursor, as the follower leaves it.
    if (this.#rows.length === 0 && cursor === 0) return;
    const atomic = this.#kv.atomic();
    for (const [key, value] of this.#rows) atomic.set(key, value);
    atomic.set(this.#cursor, cursor);
    const result = await atomic.commit();
    if (!result.ok) throw new Error("the search index's bulk write failed");
    this.#rows = [];
    this.#bytes = 0;
    this.#keyBytes = 0;
  }
}

/** The rev of the channel's latest change, 0 for none. */
export async function lastRev(kv: Deno.Kv, channelId: string): Promise<number> {
  const rows = kv.list({ prefix: messageChangesPrefix(channelId) }, {
    reverse: true,
    limit: 1,
  });
  for await (const row of rows) return Number(row.key[2]);
  return 0;
}

/** Builds the dropped KV index of one channel from its stored messages. */
export async function bulkIndexChannel(
  kv: Deno.Kv,
  channelId: string,
  windowPostings = WINDOW_POSTINGS,
): Promise<void> {
  // Read before the scan: changes after it are replayed by the follower.
  const rev = await lastRev(kv, channelId);
  const writer = new BlindWriter(kv, channelId);
  // gram -> block -> offsets, for the whole blocks read since the last flush.
  let grams = new Map<string, Map<number, number[]>>();
  let postings = 0;
  let texts: [number, string][] = [];
  const flushWindow = async () => {
    // In key order (gram, then block), so KV's B-tree takes them as a sweep
    // instead of a random insert each.
    for (const gram of [...grams.keys()].sort()) {
      for (const [block, offsets] of grams.get(gram)!) {
        await writer.set(
          searchPostingKey(channelId, gram, block),
          encodeBlock(offsets)!,
        );
      }
    }
    for (const [seq, text] of texts) {
      await writer.set(searchDocKey(channelId, seq), text);
    }
    grams = new Map();
    postings = 0;
    texts = [];
  };
  let block = -1;
  const rows = kv.list<MessageRecord>({ prefix: messagesPrefix(channelId) }, {
    batchSize: 1000,
  });
  for await (const row of rows) {
    const seq = row.key[2];
    if (row.key.length !== 3 || typeof seq !== "number") continue;
    // A window ends only between blocks: a block's row is written once.
    if (blockOf(seq) !== block) {
      if (postings >= windowPostings) await flushWindow();
      block = blockOf(seq);
    }
    const text = indexedText(row.value);
    if (text === null) continue;
    texts.push([seq, text]);
    for (const gram of indexGrams(text)) {
      let blocks = grams.get(gram);
      if (blocks === undefined) grams.set(gram, blocks = new Map());
      let offsets = blocks.get(block);
      if (offsets === undefined) blocks.set(block, offsets = []);
      offsets.push(seq % BLOCK_SEQS);
      postings++;
    }
  }
  await flushWindow();
  await writer.flush(rev);
}

/**
 * Search in one channel: the postings of a few of the query's grams are
 * intersected newest first, and each candidate is checked against the
 * message as stored now, so an edit is found by its new text only and a
 * deleted message never, even where a posting is stale.
 */
import { queryGrams } from "../shared/search_text.ts";
import { messageKey, searchPostingsPrefix } from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import { BLOCK_SEQS, blockOf, decodeBlock } from "./_search_blocks.ts";
import { type MessageRecord, toMessage } from "./_message_record.ts";
import type { Message } from "../shared/wire.ts";
import { catchUpChannel, indexedText } from "./search_index.ts";

// Gram lists intersected per query: more narrows candidates but reads more rows.
const MAX_GRAMS = 3;
// Candidates checked per channel and request, which bounds a query's cost.
const MAX_CANDIDATES = 5000;
// Candidates read and checked together.
const CHECK_CHUNK = 50;

/** What one channel's search looks for. */
export interface ChannelSearch {
  /** The query, already normalized (`searchText`), at least 2 characters. */
  text: string;
  /** Only messages with a seq below this. */
  beforeSeq?: number;
  /** At most this many matches. */
  limit: number;
  /** Further filters (author, file), checked on the stored message. */
  accept(message: Message): boolean;
}

// Spread over the query (first, middle, last), where grams differ most.
function chooseGrams(text: string): string[] {
  const grams = queryGrams(text);
  if (grams.length <= MAX_GRAMS) return grams;
  return [grams[0], grams[grams.length >> 1], grams[grams.length - 1]];
}

// The seqs holding `gram`, newest first, below `beforeSeq` when given.
async function* postings(
  kv: Deno.Kv,
  channelId: string,
  gram: string,
  beforeSeq?: number,
): AsyncGenerator<number> {
  const prefix = searchPostingsPrefix(channelId, gram);
  const selector = beforeSeq === undefined
    ? { prefix }
    : { prefix, end: [...prefix, blockOf(beforeSeq) + 1] };
  const rows = kv.list<Uint8Array>(selector, { reverse: true, batchSize: 100 });
  for await (const row of rows) {
    const base = (row.key[3] as number) * BLOCK_SEQS;
    const offsets = decodeBlock(row.value);
    for (let i = offsets.length - 1; i >= 0; i--) {
      const seq = base + offsets[i];
      if (beforeSeq === undefined || seq < beforeSeq) yield seq;
    }
  }
}

// The seqs in every list, newest first: each list is advanced past seqs
// newer than the oldest head until all heads agree.
async function* intersect(lists: AsyncGenerator<number>[]) {
  const heads: (number | undefined)[] = await Promise.all(
    lists.map(async (l) => (await l.next()).value ?? undefined),
  );
  try {
    while (heads.every((h) => h !== undefined)) {
      const low = Math.min(...(heads as number[]));
      if (heads.every((h) => h === low)) {
        yield low;
        for (let i = 0; i < lists.length; i++) {
          heads[i] = (await lists[i].next()).value ?? undefined;
        }
        continue;
      }
      for (let i = 0; i < lists.length; i++) {
        while (heads[i] !== undefined && heads[i]! > low) {
          heads[i] = (await lists[i].next()).value ?? undefined;
        }
      }
    }
  } finally {
    await Promise.all(lists.map((l) => l.return(undefined)));
  }
}

/** The channel's messages matching `search`, newest first, at most `limit`. */
export async function searchChannel(
  kv: Deno.Kv,
  channelId: string,
  search: ChannelSearch,
): Promise<Message[]> {
  await catchUpChannel(kv, channelId);
  const found: Message[] = [];
  const lists = chooseGrams(search.text).map((g) =>
    postings(kv, channelId, g, search.beforeSeq)
  );
  let pending: number[] = [];
  let checked = 0;
  const check = async () => {
    const records = await getManyChunked<MessageRecord>(
      kv,
      pending.map((seq) => messageKey(channelId, seq)),
    );
    checked += pending.length;
    pending = [];
    for (const { value } of records) {
      if (found.length === search.limit) return;
      const text = value === null ? null : indexedText(value);
      if (!text?.includes(search.text)) continue;
      const message = toMessage(value!);
      if (search.accept(message)) found.push(message);
    }
  };
  for await (const seq of intersect(lists)) {
    pending.push(seq);
    // Few wanted: check early, so a common word costs one small read.
    if (pending.length >= Math.min(CHECK_CHUNK, search.limit * 2)) {
      await check();
      if (found.length === search.limit || checked >= MAX_CANDIDATES) break;
    }
  }
  if (pending.length > 0 && found.length < search.limit) await check();
  return found;
}

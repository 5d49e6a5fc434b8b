/**
 * The KV engine behind `SearchIndex`: candidates are the intersection of the
 * postings of a few of the query's grams (its trigrams, or its one bigram for
 * a 2-character query), read newest first (see `search_index.ts` for how the
 * postings are kept).
 */
import { queryGrams } from "../shared/search_text.ts";
import { searchPostingsPrefix } from "./_keys.ts";
import { BLOCK_SEQS, blockOf, decodeBlock } from "./_search_blocks.ts";
import type { SearchIndex } from "./search_backend.ts";
import { catchUpChannel, rebuildSearchIndex } from "./search_index.ts";

// Gram lists intersected per query: more narrows candidates but reads more rows.
const MAX_GRAMS = 3;

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

/** The search index kept in KV itself: works wherever KV does. */
export function kvSearchIndex(kv: Deno.Kv): SearchIndex {
  return {
    engine: "kv",
    catchUp: (channelId) => catchUpChannel(kv, channelId),
    candidates: (channelId, text, beforeSeq) =>
      intersect(
        chooseGrams(text).map((g) => postings(kv, channelId, g, beforeSeq)),
      ),
    // deleteChannel removes the channel's KV search rows with the channel.
    dropChannel: () => Promise.resolve(),
    rebuild: () => rebuildSearchIndex(kv),
    close: () => {},
  };
}

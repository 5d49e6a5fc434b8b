/**
 * Search in one channel: the index (either engine, see `search_backend.ts`)
 * names candidates newest first, and each is checked against the message as
 * stored now, so an edit is found by its new text only and a deleted message
 * never, even where the index is stale.
 */
import { messageKey } from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import { type MessageRecord, toMessage } from "./_message_record.ts";
import type { Message } from "../shared/wire.ts";
import type { SearchIndex } from "./search_backend.ts";
import { indexedText } from "./search_index.ts";

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

/** The channel's messages matching `search`, newest first, at most `limit`. */
export async function searchChannel(
  kv: Deno.Kv,
  index: SearchIndex,
  channelId: string,
  search: ChannelSearch,
): Promise<Message[]> {
  await index.catchUp(channelId);
  const found: Message[] = [];
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
  const candidates = index.candidates(channelId, search.text, search.beforeSeq);
  try {
    for await (const seq of candidates) {
      pending.push(seq);
      // Few wanted: check early, so a common word costs one small read.
      if (pending.length >= Math.min(CHECK_CHUNK, search.limit * 2)) {
        await check();
        if (found.length === search.limit || checked >= MAX_CANDIDATES) break;
      }
    }
  } finally {
    await candidates.return(undefined);
  }
  if (pending.length > 0 && found.length < search.limit) await check();
  return found;
}

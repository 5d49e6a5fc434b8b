/**
 * Pages of channel history kept while their channel is unchanged. A page
 * read by many clients (the newest 50 messages of a busy channel, at every
 * connect) is read from KV, converted and serialized once; a later request
 * only compares the channel's history stamp (see `getHistoryStamp`), which
 * every change to the channel's messages moves and which the membership
 * check reads in its own round trip.
 * The stamp lives in KV, not in this process; the HTTP route may take it
 * from the standing memory (`lib/auth/standing_memory.ts`), which a change
 * made here drops at once and one made on another instance within 1 s.
 */
import { getHistoryStamp, listMessages } from "../db/messages.ts";
import type { ListMessagesQuery } from "../shared/requests.ts";
import type { Message } from "../shared/wire.ts";
import type { ChannelMember } from "./standing.ts";

/** One page of history as it was at one state of its channel; never changed once made. */
export interface HistoryPage {
  readonly messages: readonly Message[];
}

/** Most pages kept per database; the least recently used goes first. */
export const MAX_KEPT_PAGES = 256;

interface Kept {
  stamp: string;
  page: HistoryPage;
}

const kept = new WeakMap<Deno.Kv, Map<string, Kept>>();

/** A page of the channel's history, oldest first (see `listMessages`), from memory while the channel is unchanged. */
export async function readHistoryPage(
  member: ChannelMember,
  query: ListMessagesQuery,
): Promise<HistoryPage> {
  const { kv } = member.services;
  let pages = kept.get(kv);
  if (!pages) kept.set(kv, pages = new Map());
  const key = JSON.stringify([
    member.channelId,
    query.before ?? null,
    query.after ?? null,
    query.limit ?? null,
  ]);
  // Read before the page: a page read after a later change is newer than
  // the stamp it is kept under, and that stamp is never current again.
  const stamp = member.historyStamp !== undefined
    ? member.historyStamp
    : await getHistoryStamp(kv, member.channelId);
  const known = pages.get(key);
  if (known && stamp !== null && known.stamp === stamp) {
    // Most recently used last: eviction takes the first.
    pages.delete(key);
    pages.set(key, known);
    return known.page;
  }
  const page: HistoryPage = {
    messages: await listMessages(kv, member.channelId, query),
  };
  pages.delete(key);
  if (stamp !== null) {
    if (pages.size >= MAX_KEPT_PAGES) {
      pages.delete(pages.keys().next().value!);
    }
    pages.set(key, { stamp, page });
  }
  return page;
}

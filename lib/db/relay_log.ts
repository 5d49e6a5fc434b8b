/**
 * Relay streams: short-lived, ordered logs in KV through which instances that
 * share a database (and no BroadcastChannel) hand each other what is not
 * stored anywhere else: a channel's live events other than messages (typing,
 * presence, members, channel changes) in the channel's stream, and control
 * messages (bans, sign-outs, joins) in the control stream. Each stream has a
 * head (its last entry's number) that readers watch; an entry and the head
 * move in one atomic, so entries are numbered without gaps. Entries and heads
 * expire: nothing here is history.
 */
import {
  channelSeqKey,
  relayEntryKey,
  relayHeadKey,
  relayLogPrefix,
} from "./_keys.ts";
import { retryAtomic } from "./_retry.ts";

/** The control stream's name: no channel id is empty. */
export const CONTROL_STREAM = "";

/** How long an entry stays readable: far longer than any watcher lags. */
export const RELAY_ENTRY_TTL_MS = 5 * 60 * 1000;
// A head outlives every entry, so a reader never sees it restart below
// entries still stored; an idle stream's head goes in a day.
const HEAD_TTL_MS = 24 * 60 * 60 * 1000;

/** One relayed item: a channel's frame text, or a control message as JSON. */
export interface RelayItem {
  /** Unique per item, so an item heard over two relays is handled once. */
  id: string;
  /** The frame text of a channel event, or the JSON of a control message. */
  text: string;
}

/** An entry of a relay stream: one writer's items, in the order published. */
export interface RelayEntry {
  /** The instance that wrote it; it skips its own entries. */
  origin: string;
  items: RelayItem[];
}

/** The head key a reader watches for `stream`. */
export function relayStreamHead(stream: string): Deno.KvKey {
  return relayHeadKey(stream);
}

/**
 * The key a relay watches for a channel's messages: its counter, which every
 * post, edit, deletion and reaction moves in its own atomic (`counterOf`
 * reads it), so watching it adds no write to the post path.
 */
export function channelCounterKey(channelId: string): Deno.KvKey {
  return channelSeqKey(channelId);
}

/** The number a stream's head holds (0 for none). */
export function relayHeadValue(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

/** Appends an entry to `stream` after its head; answers the entry's number. */
export async function appendRelayEntry(
  kv: Deno.Kv,
  stream: string,
  entry: RelayEntry,
): Promise<number> {
  const head = relayHeadKey(stream);
  return await retryAtomic("a relay entry", async () => {
    const current = await kv.get<number>(head);
    const n = relayHeadValue(current.value) + 1;
    const op = kv.atomic()
      .check(current)
      .set(relayEntryKey(stream, n), entry, { expireIn: RELAY_ENTRY_TTL_MS })
      .set(head, n, { expireIn: HEAD_TTL_MS });
    return { op, value: n };
  });
}

/**
 * The entries of `stream` after number `after`, in order, with their
 * numbers. A head that restarted (expired, then written again) below
 * `after` is read from its start.
 */
export async function readRelayEntries(
  kv: Deno.Kv,
  stream: string,
  after: number,
): Promise<{ n: number; entry: RelayEntry }[]> {
  const prefix = relayLogPrefix(stream);
  const found: { n: number; entry: RelayEntry }[] = [];
  const entries = kv.list<RelayEntry>({
    prefix,
    start: [...prefix, after + 1],
  });
  for await (const row of entries) {
    found.push({ n: Number(row.key[2]), entry: row.value });
  }
  return found;
}

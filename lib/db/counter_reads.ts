/**
 * Reads of a channel's counter shared by the sockets opening on it at once.
 * A socket must read the counter after it subscribed to the channel's events
 * (anything committed later then reaches it live), so a read already under
 * way cannot serve a newcomer: its answer may predate the subscription. The
 * newcomers that ask meanwhile wait for it to end and share the next read,
 * begun after each of them asked.
 *
 * Reads of one channel also begin at least {@linkcode READ_GAP_MS} apart.
 * When each read answered in well under a millisecond (a second KV handle
 * with nothing queued on it), a storm of 10,000 connects made about 7,000 of
 * them, one per socket or two, each a round trip to KV's thread on a busy
 * core; with the gap, a crowd shares one read per gap, and a lone connect
 * still reads at once.
 */
import { channelSeqKey } from "./_keys.ts";
import { type ChannelCounter, counterOf } from "./_message_record.ts";

/** Least time between the starts of two counter reads of one channel, in ms. */
export const READ_GAP_MS = 20;

// Channels remembered per handle; idle ones beyond this are forgotten.
const MAX_CHANNELS = 1024;

// A channel's read under way, the one that waits for it (and the gap), and
// when the last one began.
interface Reads {
  current?: Promise<ChannelCounter>;
  next?: Promise<ChannelCounter>;
  startedAt: number;
}

const byKv = new WeakMap<Deno.Kv, Map<string, Reads>>();

/**
 * The counter of `channelId` (seq of its newest message, rev of its latest
 * change) as read by a KV read begun after this call: never an answer older
 * than the call, though callers asking together share one read. Reads begin
 * at least `gapMs` apart.
 */
export function readCounterSince(
  kv: Deno.Kv,
  channelId: string,
  gapMs: number = READ_GAP_MS,
): Promise<ChannelCounter> {
  const reads = readsOf(kv, channelId);
  if (reads.next !== undefined) return reads.next;
  if (
    reads.current === undefined &&
    performance.now() - reads.startedAt >= gapMs
  ) return begin(kv, channelId, reads);
  // The read under way may predate this call: wait for it to end (however it
  // ends), then for the gap, and share the read begun after both.
  const after = reads.current ?? Promise.resolve();
  const settled = () => gap(reads.startedAt + gapMs - performance.now());
  return reads.next = after.then(settled, settled).then(() => {
    reads.next = undefined;
    return begin(kv, channelId, reads);
  });
}

function readsOf(kv: Deno.Kv, channelId: string): Reads {
  let channels = byKv.get(kv);
  if (channels === undefined) byKv.set(kv, channels = new Map());
  let reads = channels.get(channelId);
  if (reads === undefined) {
    reads = { startedAt: -Infinity };
    channels.set(channelId, reads);
    if (channels.size > MAX_CHANNELS) forgetIdle(channels);
  }
  return reads;
}

// Drops the oldest idle channels (a Map iterates in insertion order) down to
// half the cap; a forgotten channel's next read simply begins at once.
function forgetIdle(channels: Map<string, Reads>): void {
  for (const [channelId, reads] of channels) {
    if (channels.size <= MAX_CHANNELS / 2) return;
    if (reads.current === undefined && reads.next === undefined) {
      channels.delete(channelId);
    }
  }
}

function gap(ms: number): Promise<void> {
  return ms <= 0
    ? Promise.resolve()
    : new Promise((resolve) => setTimeout(resolve, ms));
}

// One read of the counter, recorded as the channel's read under way.
function begin(
  kv: Deno.Kv,
  channelId: string,
  reads: Reads,
): Promise<ChannelCounter> {
  reads.startedAt = performance.now();
  const read = kv.get(channelSeqKey(channelId)).then((entry) =>
    counterOf(entry.value)
  );
  reads.current = read;
  const done = () => {
    if (reads.current === read) reads.current = undefined;
  };
  read.then(done, done);
  return read;
}

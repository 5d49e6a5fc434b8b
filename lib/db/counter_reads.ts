/**
 * Reads of a channel's counter shared by the sockets opening on it at once.
 * A socket must read the counter after it subscribed to the channel's events
 * (anything committed later then reaches it live), so a read already under
 * way cannot serve a newcomer: its answer may predate the subscription. The
 * newcomers that ask meanwhile wait for it to end and share the next read,
 * begun after each of them asked. A crowd of connects then costs one or two
 * reads per round trip instead of one each.
 */
import { channelSeqKey } from "./_keys.ts";
import { type ChannelCounter, counterOf } from "./_message_record.ts";

// A channel's read under way, and the one that waits for it to end.
interface Reads {
  current?: Promise<ChannelCounter>;
  next?: Promise<ChannelCounter>;
}

// Per database handle, then per channel; an entry goes once both are done.
const byKv = new WeakMap<Deno.Kv, Map<string, Reads>>();

/**
 * The counter of `channelId` (seq of its newest message, rev of its latest
 * change) as read by a KV read begun after this call: never an answer older
 * than the call, though callers asking together share one read.
 */
export function readCounterSince(
  kv: Deno.Kv,
  channelId: string,
): Promise<ChannelCounter> {
  let channels = byKv.get(kv);
  if (channels === undefined) byKv.set(kv, channels = new Map());
  let reads = channels.get(channelId);
  if (reads === undefined) channels.set(channelId, reads = {});
  const running = reads.current;
  if (running === undefined) {
    return reads.current = begin(kv, channels, channelId, reads);
  }
  const settled = () => {
    reads.next = undefined;
    return reads.current = begin(kv, channels, channelId, reads);
  };
  return reads.next ??= running.then(settled, settled);
}

// One read of the counter; its channel's entry goes when nothing waits.
function begin(
  kv: Deno.Kv,
  channels: Map<string, Reads>,
  channelId: string,
  reads: Reads,
): Promise<ChannelCounter> {
  const read = kv.get(channelSeqKey(channelId)).then((entry) =>
    counterOf(entry.value)
  );
  const done = () => {
    if (reads.current === read) reads.current = undefined;
    if (reads.current === undefined && reads.next === undefined) {
      channels.delete(channelId);
    }
  };
  read.then(done, done);
  return read;
}

/**
 * Where each channel's message counter stood after this process's last
 * commit to it (its last seq and rev), per KV handle. With a head the next batch needs no reads: its
 * atomic checks that the counter is still at the head's versionstamp and that
 * none of its clientIds is taken. Any change made elsewhere (another process,
 * a repeated clientId) fails that check, and the batch is written again the
 * slow way, which reads everything. Channels are never deleted, so a channel
 * seen once through the slow way keeps existing.
 */

/** A channel's counter as this process last wrote or read it. */
export interface Head {
  seq: number;
  rev: number;
  versionstamp: string | null;
}

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

/** The remembered head of a channel, if any. */
export function headOf(kv: Deno.Kv, channelId: string): Head | undefined {
  return headsOf(kv).get(channelId);
}

/** Remembers where a channel's counter stands now. */
export function rememberHead(kv: Deno.Kv, channelId: string, head: Head): void {
  const map = headsOf(kv);
  // Re-inserting keeps the Map's order by last use, so the oldest goes first.
  map.delete(channelId);
  map.set(channelId, head);
  if (map.size > MAX_HEADS) map.delete(map.keys().next().value!);
}

/** Forgets a channel's head after it turned out stale. */
export function forgetHead(kv: Deno.Kv, channelId: string): void {
  headsOf(kv).delete(channelId);
}

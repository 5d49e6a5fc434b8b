/**
 * The KV writes that store a changed message: its row, its change log row
 * (moved from its old rev), and its mention index rows.
 */
import {
  mentionByTimeKey,
  mentionKey,
  messageChangeKey,
  messageKey,
} from "./_keys.ts";
import {
  type MessageRecord,
  ordered,
  recordSize,
  revOf,
} from "./_message_record.ts";

/** One write of a batch: a set, a delete, or a KvU64 sum when `sum` is given. */
export interface Write {
  key: Deno.KvKey;
  value?: unknown;
  /** Whether this is a delete. */
  delete?: true;
  /** What to add to the KvU64 under `key` (modulo 2^64: a subtraction wraps). */
  sum?: bigint;
  /** Upper bound of the bytes it adds to the atomic. */
  bytes: number;
}

const KEY_BYTES = 160;

/** The message row and its change log row, which moves from its old rev. */
export function recordWrites(
  record: MessageRecord,
  before: MessageRecord | null,
): Write[] {
  const writes: Write[] = [
    {
      key: messageKey(record.channelId, record.seq),
      value: ordered(record),
      bytes: recordSize(record) + KEY_BYTES,
    },
    set(messageChangeKey(record.channelId, revOf(record)), record.seq),
  ];
  if (before !== null) {
    writes.push(del(messageChangeKey(record.channelId, revOf(before))));
  }
  return writes;
}

/** The mention index rows of users who are newly mentioned or no longer are. */
export function mentionWrites(
  record: MessageRecord,
  before: string[],
  after: string[],
): Write[] {
  const { channelId, seq, createdAt } = record;
  const writes: Write[] = [];
  for (const userId of before) {
    if (after.includes(userId)) continue;
    writes.push(
      del(mentionKey(userId, channelId, seq)),
      del(mentionByTimeKey(userId, createdAt, channelId, seq)),
    );
  }
  for (const userId of after) {
    if (before.includes(userId)) continue;
    writes.push(
      set(mentionKey(userId, channelId, seq), createdAt),
      set(mentionByTimeKey(userId, createdAt, channelId, seq), null),
    );
  }
  return writes;
}

/** A set of `value` under `key`. */
export function set(key: Deno.KvKey, value: unknown): Write {
  return { key, value, bytes: KEY_BYTES + 64 };
}

/** A delete of `key`. */
export function del(key: Deno.KvKey): Write {
  return { key, delete: true, bytes: KEY_BYTES };
}

/** A KvU64 sum of `delta` under `key`; a negative delta wraps, which subtracts. */
export function sum(key: Deno.KvKey, delta: bigint): Write {
  return { key, sum: BigInt.asUintN(64, delta), bytes: KEY_BYTES + 16 };
}

/** Two writes to one key as one: sums add up, anything else replaces. */
export function merge(earlier: Write | undefined, later: Write): Write {
  if (earlier?.sum === undefined || later.sum === undefined) return later;
  return { ...later, sum: BigInt.asUintN(64, earlier.sum + later.sum) };
}

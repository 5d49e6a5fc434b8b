/** Pure helpers that turn stored and pending messages into the rows of the log. */
import { type Clock, dayKey, dayLabel } from "./format.ts";
import type { Message } from "./types.ts";

/** Where a message stands from this browser's point of view. */
export type SendStatus = "sent" | "pending" | "failed";

/** A message in the log: stored (`sent`) or still on its way from this browser. */
export interface Entry {
  message: Message;
  status: SendStatus;
  /** Why a send failed, in words. */
  error?: string;
  /** Failed for want of a connection: sent again by itself on the next one. */
  waiting?: boolean;
}

/** One row of the log. */
export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "unread"; key: string }
  | { kind: "message"; key: string; entry: Entry; startsGroup: boolean };

/** Messages from one author within this long of each other share a header. */
export const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * Adds `incoming` to `existing` (both ordered by seq). A seq already present
 * is replaced when the incoming copy has a higher `rev` (an edit, deletion or
 * reaction) and dropped otherwise. Returns `existing` itself when nothing
 * changed, so signals stay quiet.
 */
export function mergeMessages(
  existing: Message[],
  incoming: Message[],
): Message[] {
  const held = new Map(existing.map((m, i) => [m.seq, i]));
  let replaced: Message[] | null = null;
  const fresh = incoming.filter((m) => {
    const at = held.get(m.seq);
    if (at === undefined) {
      held.set(m.seq, -1);
      return true;
    }
    if (at >= 0 && m.rev > (replaced ?? existing)[at].rev) {
      replaced ??= [...existing];
      replaced[at] = m;
    }
    return false;
  });
  if (replaced !== null) existing = replaced;
  if (fresh.length === 0) return existing;
  const last = existing.at(-1)?.seq ?? 0;
  // The common case, a live message at the end, needs no sort.
  if (fresh.every((m) => m.seq > last)) {
    return [...existing, ...fresh.sort((a, b) => a.seq - b.seq)];
  }
  return [...existing, ...fresh].sort((a, b) => a.seq - b.seq);
}

/**
 * The log's rows: a day heading where the day changes, an unread line before
 * `firstUnreadSeq`, and a group header where the author or the moment changes.
 */
export function buildRows(
  entries: Entry[],
  clock: Clock,
  firstUnreadSeq = 0,
  now = new Date(),
): Row[] {
  const rows: Row[] = [];
  let previous: Entry | null = null;
  let previousDay = "";
  for (const entry of entries) {
    const { message } = entry;
    const day = dayKey(message.createdAt, clock);
    let breaks = previous === null;
    if (day !== previousDay) {
      rows.push({
        kind: "day",
        key: `day-${day}`,
        label: dayLabel(message.createdAt, clock, now),
      });
      previousDay = day;
      breaks = true;
    }
    if (
      firstUnreadSeq > 0 && message.seq === firstUnreadSeq &&
      entry.status === "sent"
    ) {
      rows.push({ kind: "unread", key: "unread" });
      breaks = true;
    }
    if (previous !== null && !breaks) {
      const gap = Date.parse(message.createdAt) -
        Date.parse(previous.message.createdAt);
      breaks = previous.message.author.id !== message.author.id ||
        gap > GROUP_WINDOW_MS || gap < 0;
    }
    rows.push({
      kind: "message",
      key: entryKey(entry),
      entry,
      startsGroup: breaks,
    });
    previous = entry;
  }
  return rows;
}

/** A key that stays the same when a pending message becomes a stored one. */
export function entryKey(entry: Entry): string {
  const { message } = entry;
  return message.clientId ? `c-${message.clientId}` : `s-${message.seq}`;
}

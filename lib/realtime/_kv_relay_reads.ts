/**
 * How the KV relay reads what a channel's counter moving means: the new
 * messages, in seq order, then the changes to messages it had delivered, in
 * rev order, each message once as it is now. Posts alone (the common case)
 * cost one list; anything else one more.
 */
import { listChanges } from "../db/message_changes.ts";
import { listMessages } from "../db/messages.ts";
import { type HubEvent, messageEvent, updateEvent } from "./hub_events.ts";

// Pages of catch-up reads; a channel far behind takes several.
const PAGE = 200;

/** Where a channel's delivery stands, moved on by `readMessages`. */
export interface MessageCursor {
  /** Every message up to this seq is delivered. */
  seq: number;
  /** Every change up to this rev is delivered. */
  rev: number;
  /** The newest counter rev a watch reported. */
  seenRev: number;
}

/**
 * Delivers what changed in `channelId` after `cursor`, moving it on; stops
 * early once `wanted()` turns false (nobody here listens any more).
 */
export async function readMessages(
  kv: Deno.Kv,
  channelId: string,
  cursor: MessageCursor,
  deliver: (event: HubEvent) => void,
  wanted: () => boolean,
): Promise<void> {
  const fromSeq = cursor.seq;
  const fromRev = cursor.rev;
  const seenRev = cursor.seenRev;
  const revs = new Set<number>();
  let newestRev = fromRev;
  for (;;) {
    const page = await listMessages(kv, channelId, {
      after: cursor.seq,
      limit: PAGE,
    });
    if (!wanted()) return;
    for (const message of page) {
      deliver(messageEvent(message));
      cursor.seq = message.seq;
      revs.add(message.rev);
      newestRev = Math.max(newestRev, message.rev);
    }
    if (page.length < PAGE) break;
  }
  // Only posts since the last read, each at the rev it took: no change to read.
  const posts = revs.size;
  const postsOnly = posts === cursor.seq - fromSeq &&
    [...revs].every((rev) => rev > fromRev && rev <= fromRev + posts) &&
    seenRev <= fromRev + posts;
  if (postsOnly) {
    cursor.rev = fromRev + posts;
    return;
  }
  // Changes read after the new messages: one changed meanwhile shows up here
  // at its later rev (the hub's ledger drops a rev it has delivered). Those
  // posted meanwhile (past `cursor.seq`) come by seq next time.
  let since = fromRev;
  for (;;) {
    const page = await listChanges(kv, channelId, since, {
      limit: PAGE,
      maxSeq: cursor.seq,
    });
    if (!wanted()) return;
    for (const message of page) {
      deliver(updateEvent(message));
      since = Math.max(since, message.rev);
    }
    if (page.length < PAGE) break;
  }
  // Every change up to the watch's rev was committed before these reads.
  cursor.rev = Math.max(since, seenRev, newestRev);
}

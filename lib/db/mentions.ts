/** The messages mentioning a user, newest first. */
import { mentionsByTimePrefix, messageKey } from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import { type MessageRecord, toMessage } from "./_message_record.ts";
import type { Message } from "../shared/wire.ts";

// A user's mentions are read newest first, a page of rows at a time, until
// enough are in channels the user is still in; this bounds the rows read.
const MAX_ROWS_SCANNED = 2000;

/**
 * The newest `limit` messages mentioning `userId` in the channels `channelIds`
 * (those the user is in now), newest first. Deleted messages and edits that
 * dropped the mention have left the index.
 */
export async function listMentions(
  kv: Deno.Kv,
  userId: string,
  channelIds: ReadonlySet<string>,
  limit: number,
): Promise<Message[]> {
  const wanted: Deno.KvKey[] = [];
  let scanned = 0;
  const rows = kv.list({ prefix: mentionsByTimePrefix(userId) }, {
    reverse: true,
    batchSize: Math.min(limit * 2, 500),
  });
  for await (const row of rows) {
    const [, , , channelId, seq] = row.key as [
      string,
      string,
      string,
      string,
      number,
    ];
    if (channelIds.has(channelId)) wanted.push(messageKey(channelId, seq));
    if (wanted.length === limit || ++scanned === MAX_ROWS_SCANNED) break;
  }
  const records = await getManyChunked<MessageRecord>(kv, wanted);
  return records.flatMap((entry) =>
    entry.value === null || entry.value.deleted ? [] : [toMessage(entry.value)]
  );
}

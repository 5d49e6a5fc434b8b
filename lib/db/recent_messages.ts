/**
 * Finding one person's recent messages across the instance, for a ban that
 * deletes them: every channel (DMs left out: nobody moderates those) is read
 * from its newest message back to the cut-off time.
 */
import { type ChannelRecord, isDm } from "./_channel_store.ts";
import { channelsPrefix, messagesPrefix } from "./_keys.ts";
import type { MessageRecord } from "./_message_record.ts";
import { stageAudit } from "./audit.ts";
import { commit } from "./_kv.ts";

/** Where someone's recent messages are: a channel and their seqs in it. */
export interface RecentMessages {
  channelId: string;
  seqs: number[];
}

/** The seqs of `userId`'s messages (not yet deleted) posted at or after `since`, per channel. */
export async function findRecentMessagesBy(
  kv: Deno.Kv,
  userId: string,
  since: Date,
): Promise<RecentMessages[]> {
  const cutoff = since.toISOString();
  const out: RecentMessages[] = [];
  for await (
    const entry of kv.list<ChannelRecord>({ prefix: channelsPrefix })
  ) {
    if (isDm(entry.value)) continue;
    const channelId = entry.value.id;
    const seqs: number[] = [];
    const messages = kv.list<MessageRecord>(
      { prefix: messagesPrefix(channelId) },
      { reverse: true, batchSize: 200 },
    );
    for await (const { value } of messages) {
      // Seqs are given out in time order, so older ones are all older.
      if (value.createdAt < cutoff) break;
      if (value.author.id === userId && !value.deleted) seqs.push(value.seq);
    }
    if (seqs.length > 0) out.push({ channelId, seqs: seqs.reverse() });
  }
  return out;
}

/** Records that a ban by `actorId` deleted `userId`'s messages of the last `seconds`. */
export async function auditBanDeletion(
  kv: Deno.Kv,
  actorId: string,
  userId: string,
  seconds: number,
): Promise<void> {
  const op = kv.atomic();
  stageAudit(op, {
    actorId,
    action: "ban_delete_messages",
    target: `${userId}/${seconds}`,
  });
  const result = await commit(op);
  if (!result.ok) throw new Error("Could not store the audit entry");
}

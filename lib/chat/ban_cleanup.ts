/**
 * Use case of a ban that also deletes: the banned person's messages of the
 * last `deleteMessagesSeconds` become tombstones in every channel (DMs left
 * out, as moderators never delete there), their files removed, each change
 * published live, and the deletion audited once.
 */
import { getMessage } from "../db/message_changes.ts";
import {
  auditBanDeletion,
  findRecentMessagesBy,
} from "../db/recent_messages.ts";
import { log } from "../log.ts";
import { eraseMessage } from "./message_changes.ts";
import type { Admin } from "./standing.ts";

/** Deletes `userId`'s messages of the last `seconds`; answers how many were deleted. */
export async function deleteRecentMessages(
  admin: Admin,
  userId: string,
  seconds: number,
): Promise<number> {
  const { services, user } = admin;
  const { kv } = services;
  const since = new Date(Date.now() - seconds * 1000);
  let deleted = 0;
  for (
    const { channelId, seqs } of await findRecentMessagesBy(kv, userId, since)
  ) {
    for (const seq of seqs) {
      const message = await getMessage(kv, channelId, seq);
      if (message === null || message.deleted) continue;
      try {
        await eraseMessage(services, message, user.id, { unaudited: true });
        deleted++;
      } catch (error) {
        // A channel deleted meanwhile took the message with it.
        log("warn", "banned person's message not deleted", {
          channelId,
          seq,
          error: String(error),
        });
      }
    }
  }
  await auditBanDeletion(kv, user.id, userId, seconds);
  return deleted;
}

/**
 * Changes to stored messages (edit, delete, react) and the channel's change
 * log: each change goes through the channel's writer, in the same queue and
 * atomics as new messages, and takes the channel's next rev.
 */
import { captionSchema, contentSchema } from "../shared/fields.ts";
import type { Message } from "../shared/wire.ts";
import { validate } from "../validation.ts";
import {
  messageChangesPrefix,
  messageClientIdKey,
  messageKey,
} from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import { type MessageRecord, revOf, toMessage } from "./_message_record.ts";
import { type ChangeResult, writeChange } from "./_message_writer.ts";
import { pageSize } from "./_paging.ts";

export type { ChangeResult };

/**
 * Replaces a message's content (and the members it mentions), stamping
 * `editedAt`. 404 for no such message, 409 `message_deleted`, 422 for content
 * its kind does not allow (a file's caption may be empty, text may not).
 * Editing to the same content changes nothing.
 */
export async function editMessage(
  kv: Deno.Kv,
  channelId: string,
  seq: number,
  input: { content: string; mentionNames?: string[]; hasFile: boolean },
): Promise<ChangeResult> {
  const content = validate(
    input.content,
    input.hasFile ? captionSchema : contentSchema,
  );
  return await writeChange(kv, channelId, {
    kind: "edit",
    seq,
    content,
    mentionNames: input.mentionNames ?? [],
  });
}

/**
 * Turns a message into a tombstone at its seq and refreshes the quotes of
 * its replies; `freedFileId` names a file whose metadata went with it and
 * whose chunks the caller removes. Deleting a tombstone changes nothing.
 * `byModerator` marks one deleted by someone other than its author.
 */
export async function deleteMessage(
  kv: Deno.Kv,
  channelId: string,
  seq: number,
  byModerator = false,
): Promise<ChangeResult> {
  return await writeChange(kv, channelId, {
    kind: "delete",
    seq,
    byModerator,
  });
}

/**
 * Adds or removes `userId`'s reaction with `emoji` (already checked to be one
 * emoji); doing what is already done changes nothing. 422 for a 21st emoji.
 */
export async function setReaction(
  kv: Deno.Kv,
  channelId: string,
  seq: number,
  reaction: { emoji: string; userId: string; add: boolean },
): Promise<ChangeResult> {
  return await writeChange(kv, channelId, { kind: "react", seq, ...reaction });
}

/** One stored message, or null. */
export async function getMessage(
  kv: Deno.Kv,
  channelId: string,
  seq: number,
): Promise<Message | null> {
  const entry = await kv.get<MessageRecord>(messageKey(channelId, seq));
  return entry.value === null ? null : toMessage(entry.value);
}

/** The message `authorId` stored in the channel with `clientId`, or null. */
export async function getMessageByClientId(
  kv: Deno.Kv,
  channelId: string,
  authorId: string,
  clientId: string,
): Promise<Message | null> {
  const key = messageClientIdKey(channelId, authorId, clientId);
  const seq = (await kv.get<number>(key)).value;
  return seq === null ? null : await getMessage(kv, channelId, seq);
}

/**
 * Messages whose latest change came after rev `since`, in rev order, at most
 * `limit` (default 50, max 200): each message once, as it is now. With
 * `maxSeq`, only messages up to that seq. A page shorter than `limit` is the
 * last; the next page starts after the last message's rev.
 */
export async function listChanges(
  kv: Deno.Kv,
  channelId: string,
  since: number,
  options: { limit?: number; maxSeq?: number } = {},
): Promise<Message[]> {
  const limit = pageSize(options.limit);
  const prefix = messageChangesPrefix(channelId);
  const found: Message[] = [];
  let cursor = since;
  while (found.length < limit) {
    const rows: { rev: number; seq: number }[] = [];
    const entries = kv.list<number>(
      { prefix, start: [...prefix, cursor + 1] },
      { limit },
    );
    for await (const entry of entries) {
      rows.push({ rev: Number(entry.key[2]), seq: entry.value });
    }
    if (rows.length === 0) break;
    const records = await getManyChunked<MessageRecord>(
      kv,
      rows.map((row) => messageKey(channelId, row.seq)),
    );
    let stale = false;
    for (let i = 0; i < rows.length && found.length < limit; i++) {
      const record = records[i].value;
      // Changed again since the list was read: its row moved to a later rev,
      // where the next read finds it, so stop here to keep rev order.
      if (record !== null && revOf(record) !== rows[i].rev) {
        stale = true;
        break;
      }
      cursor = rows[i].rev;
      if (record === null) continue;
      if (options.maxSeq === undefined || record.seq <= options.maxSeq) {
        found.push(toMessage(record));
      }
    }
    if (!stale && rows.length < limit) break;
  }
  return found;
}

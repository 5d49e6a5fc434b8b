import { ApiError } from "../errors.ts";
import {
  captionSchema,
  clientIdSchema,
  contentSchema,
} from "../shared/fields.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/limits.ts";
import type { Author, FileRef as WireFile, Message } from "../shared/wire.ts";
import { validate } from "../validation.ts";
import { getManyChunked } from "./_kv.ts";
import { channelNotFound, isChannelId } from "./_channel_store.ts";
import {
  channelSeqKey,
  messageChangesPrefix,
  messageKey,
  messagesPrefix,
} from "./_keys.ts";
import {
  type ChangeResult,
  type Draft,
  draftSize,
  type MessageRecord,
  toMessage,
  writeChange,
} from "./_message_writer.ts";
import { type ChannelCounter, counterOf, revOf } from "./_message_record.ts";

export type { ChangeResult, ChannelCounter, MessageRecord };
export { counterOf };

/** A message's file as the API shows it, with its download URL. */
export type MessageFile = WireFile;

/** An already-stored file that a message points at. */
export type FileRef = Omit<WireFile, "url">;

/** Who wrote a message, as of sending (not updated by later renames). */
export type MessageAuthor = Author;

// The API and the socket show the same message: its type lives with the wire types.
export type { Message };

/** Input of `createMessage`. */
export interface NewMessage {
  channelId: string;
  author: MessageAuthor;
  content: string;
  clientId?: string;
  file?: FileRef | null;
  /** The seq of the message it answers (422 when there is none). */
  replyTo?: number;
  /** Lower-cased `@names` in it (see `mentionedNames`); members' become its mentions. */
  mentionNames?: string[];
}

/** What `createMessage` did: `created` is false for a repeated clientId. */
export interface CreateMessageResult {
  message: Message;
  created: boolean;
}

/** Cursors of `listMessages`; both exclusive. */
export interface ListMessagesOptions {
  before?: number;
  after?: number;
  limit?: number;
}

// A KV value holds at most 64 KiB; keep a margin for the serialization format.
const MAX_MESSAGE_BYTES = 60 * 1024;

// Copied field by field, like the author: only what a message should carry.
function fileRef(file: FileRef): FileRef {
  const ref: FileRef = {
    id: file.id,
    name: file.name,
    size: file.size,
    type: file.type,
  };
  if (file.width !== undefined && file.height !== undefined) {
    ref.width = file.width;
    ref.height = file.height;
  }
  return ref;
}

/**
 * Stores a message with the channel's next seq (gapless, never repeated, even
 * across processes). A clientId already used by the same author in the channel
 * returns the stored message with `created: false`. 404 for an unknown
 * channel, 422 for empty or too long content (empty is fine with a file).
 */
export async function createMessage(
  kv: Deno.Kv,
  input: NewMessage,
): Promise<CreateMessageResult> {
  if (!isChannelId(input.channelId)) throw channelNotFound(input.channelId);
  const file = input.file ?? null;
  // The same rules as the API's; with a file, the text is only a caption.
  const content = validate(
    input.content,
    file === null ? contentSchema : captionSchema,
  );
  if (input.clientId !== undefined) validate(input.clientId, clientIdSchema);
  const draft: Draft = {
    id: crypto.randomUUID(),
    channelId: input.channelId,
    // Copied field by field so no extra author data (a hash) is ever stored.
    author: {
      id: input.author.id,
      username: input.author.username,
      displayName: input.author.displayName,
    },
    content,
    file: file === null ? null : fileRef(file),
    mentionNames: input.mentionNames ?? [],
  };
  if (input.clientId !== undefined) draft.clientId = input.clientId;
  if (input.replyTo !== undefined) draft.replyTo = input.replyTo;
  if (draftSize(draft) > MAX_MESSAGE_BYTES) {
    throw invalid("Message is too large to store");
  }
  const { message, created } = await writeChange(kv, input.channelId, {
    kind: "post",
    draft,
  });
  return { message, created };
}

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
 */
export async function deleteMessage(
  kv: Deno.Kv,
  channelId: string,
  seq: number,
): Promise<ChangeResult> {
  return await writeChange(kv, channelId, { kind: "delete", seq });
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

/**
 * A page of messages, always oldest first. No cursor: the newest `limit`.
 * `before`: the `limit` messages just below that seq (paging back).
 * `after`: the `limit` messages just above that seq (catching up); with both,
 * the first `limit` strictly between them. `limit` defaults to 50, max 200.
 */
export async function listMessages(
  kv: Deno.Kv,
  channelId: string,
  options: ListMessagesOptions = {},
): Promise<Message[]> {
  const { before, after } = options;
  for (const [name, value] of [["before", before], ["after", after]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw invalid(`${name} must be a non-negative integer`);
    }
  }
  const limit = pageSize(options.limit);
  const prefix = messagesPrefix(channelId);
  let selector: Deno.KvListSelector;
  let reverse: boolean;
  if (after !== undefined) {
    // Seqs are integers, so "greater than after" starts at after + 1.
    const start = messageKey(channelId, after + 1);
    if (before !== undefined && before <= after + 1) return [];
    selector = before === undefined
      ? { prefix, start }
      : { start, end: messageKey(channelId, before) };
    reverse = false;
  } else {
    selector = before === undefined
      ? { prefix }
      : { prefix, end: messageKey(channelId, before) };
    reverse = true;
  }
  const messages: Message[] = [];
  for await (
    const entry of kv.list<MessageRecord>(selector, { limit, reverse })
  ) {
    messages.push(toMessage(entry.value));
  }
  return reverse ? messages.reverse() : messages;
}

/** The seq of a channel's newest message, 0 when it has none. */
export async function getLastSeq(
  kv: Deno.Kv,
  channelId: string,
): Promise<number> {
  return (await getChannelCounter(kv, channelId)).seq;
}

/** The seq of a channel's newest message and the rev of its latest change (0 and 0 when it has none). */
export async function getChannelCounter(
  kv: Deno.Kv,
  channelId: string,
): Promise<ChannelCounter> {
  return counterOf((await kv.get(channelSeqKey(channelId))).value);
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw invalid("limit must be a non-negative integer");
  }
  // 0 would mean "no limit" to kv.list, so the smallest page is one message.
  return Math.min(Math.max(limit, 1), MAX_PAGE_SIZE);
}

function invalid(detail: string): ApiError {
  return new ApiError(422, "validation_failed", detail);
}

import { ApiError } from "../errors.ts";
import {
  captionSchema,
  clientIdSchema,
  contentSchema,
} from "../shared/fields.ts";
import type { Author, FileRef as WireFile, Message } from "../shared/wire.ts";
import { validate } from "../validation.ts";
import { pageSize } from "./_paging.ts";
import { channelNotFound, isChannelId } from "./_channel_store.ts";
import { channelSeqKey, messageKey, messagesPrefix } from "./_keys.ts";
import {
  type ChangeResult,
  type Draft,
  draftSize,
  type MessageRecord,
  toMessage,
  writeChange,
} from "./_message_writer.ts";
import { type ChannelCounter, counterOf } from "./_message_record.ts";

export type { ChangeResult, ChannelCounter, MessageRecord };
export { counterOf };

export type { Draft };

/** A message's file as the API shows it, with its download URL. */
export type MessageFile = WireFile;

/** An already-stored file that a message points at; `thumbnail` says it has one. */
export type FileRef = Omit<WireFile, "url" | "thumbnailUrl"> & {
  thumbnail?: boolean;
};

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
  if (file.thumbnail) ref.thumbnail = true;
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
  return await storeDraft(kv, draftMessage(input));
}

/**
 * A message checked against every rule that needs no database (content,
 * clientId, the size it will take stored), ready for `storeDraft`: an upload
 * drafts its message before it publishes the file, so a message that would be
 * refused leaves no file behind. 404 for a malformed channel id, 422 otherwise.
 */
export function draftMessage(input: NewMessage): Draft {
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
      ...(input.author.bot ? { bot: true as const } : {}),
      ...(input.author.webhook ? { webhook: true as const } : {}),
      ...(input.author.hookAvatarUrl
        ? { hookAvatarUrl: input.author.hookAvatarUrl }
        : {}),
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
  return draft;
}

/** Stores a drafted message (see `draftMessage` and `createMessage`). */
export async function storeDraft(
  kv: Deno.Kv,
  draft: Draft,
): Promise<CreateMessageResult> {
  const { message, created } = await writeChange(kv, draft.channelId, {
    kind: "post",
    draft,
  });
  return { message, created };
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

/**
 * The versionstamp of a channel's counter, which every change to the
 * channel's messages writes in the same atomic: while it stays the same, so
 * does every page of the channel's history. Null for a channel without one.
 */
export async function getHistoryStamp(
  kv: Deno.Kv,
  channelId: string,
): Promise<string | null> {
  return (await kv.get(channelSeqKey(channelId))).versionstamp;
}

function invalid(detail: string): ApiError {
  return new ApiError(422, "validation_failed", detail);
}

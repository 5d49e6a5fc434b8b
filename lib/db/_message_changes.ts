/**
 * What each change to a channel's messages writes, worked out against a
 * batch's view of the channel: a post takes the next seq, and every change
 * (post, edit, deletion, reaction) takes the next rev. Pure: nothing here
 * touches KV, so a batch can plan a change, see whether it still fits in the
 * atomic, and only then take it.
 */
import { ApiError } from "../errors.ts";
import {
  MAX_EXCERPT_LENGTH,
  MAX_REACTIONS_PER_MESSAGE,
} from "../shared/limits.ts";
import type { Message } from "../shared/wire.ts";
import {
  fileKey,
  mentionByTimeKey,
  mentionKey,
  messageChangeKey,
  messageClientIdKey,
  messageKey,
  messageReplyKey,
  startedKey,
} from "./_keys.ts";
import {
  type ChannelCounter,
  type Draft,
  type MessageRecord,
  ordered,
  recordSize,
  revOf,
  type StoredReaction,
  toMessage,
} from "./_message_record.ts";

/** One change to a channel's messages, as the writer queues it. */
export type Change =
  | { kind: "post"; draft: Draft }
  | { kind: "edit"; seq: number; content: string; mentionNames: string[] }
  | { kind: "delete"; seq: number }
  | {
    kind: "react";
    seq: number;
    emoji: string;
    userId: string;
    add: boolean;
  };

/** What a change did. */
export interface ChangeResult {
  /** The message as it stands after the change (a clientId's twin for a repeated post). */
  message: Message;
  /** Whether anything was written: false for a repeated clientId or a change that changed nothing. */
  created: boolean;
  /** Every message the change altered, in rev order: the message itself, then quotes refreshed. */
  changed: Message[];
  /** The file of a deleted message, whose bytes are to be removed now. */
  freedFileId?: string;
}

/** One write of a batch: a set, or a delete when `value` is absent. */
export interface Write {
  key: Deno.KvKey;
  value?: unknown;
  /** Whether this is a delete. */
  delete?: true;
  /** Upper bound of the bytes it adds to the atomic. */
  bytes: number;
}

/** A batch's view of its channel, moved on by each change it takes. */
export interface BatchState {
  channelId: string;
  counter: ChannelCounter;
  /** Messages read or written in this batch by seq; null: known not to exist. */
  records: Map<number, MessageRecord | null>;
  /** Seqs of the replies to a message, as read and as posted in this batch. */
  replies: Map<number, number[]>;
  /** Stored messages of clientIds already used, by `clientKey`. */
  earlier: Map<string, Message>;
  /** The clientId index keys the batch takes (the fast path checks them). */
  claimed: Deno.KvKey[];
  /** Lower-cased usernames `@`-mentioned: the member's id, or null for anyone else. */
  people: Map<string, string | null>;
}

/** A change worked out: what it writes, the state after it, and its result. */
export interface Plan {
  writes: Write[];
  result: ChangeResult;
  apply(state: BatchState): void;
}

const KEY_BYTES = 160;

/** The key a clientId is remembered by within a batch: author and clientId. */
export function clientKey(authorId: string, clientId: string): string {
  return `${authorId}\n${clientId}`;
}

/** Works out `change` against `state` without changing it; an ApiError for a refused change. */
export function planChange(
  state: BatchState,
  change: Change,
  at: string,
): Plan | ApiError {
  switch (change.kind) {
    case "post":
      return planPost(state, change.draft, at);
    case "edit":
      return planUpdate(state, change.seq, (record) => {
        if (record.content === change.content) return record;
        const edited: MessageRecord = {
          ...record,
          content: change.content,
          editedAt: at,
        };
        setMentions(edited, resolve(state, change.mentionNames));
        return edited;
      });
    case "delete":
      return planUpdate(state, change.seq, (record) => tombstone(record), {
        allowDeleted: true,
      });
    case "react":
      return planUpdate(state, change.seq, (record) => react(record, change));
  }
}

function planPost(
  state: BatchState,
  draft: Draft,
  at: string,
): Plan | ApiError {
  const idKey = draft.clientId === undefined
    ? null
    : clientKey(draft.author.id, draft.clientId);
  const twin = idKey === null ? undefined : state.earlier.get(idKey);
  if (twin !== undefined) {
    return {
      writes: [],
      result: { message: twin, created: false, changed: [] },
      apply: () => {},
    };
  }
  const seq = state.counter.seq + 1;
  const rev = state.counter.rev + 1;
  const record: MessageRecord = {
    id: draft.id,
    channelId: state.channelId,
    seq,
    rev,
    author: draft.author,
    content: draft.content,
    createdAt: at,
    ...(draft.clientId === undefined ? {} : { clientId: draft.clientId }),
    file: draft.file,
  };
  const writes: Write[] = [];
  if (draft.replyTo !== undefined) {
    const original = state.records.get(draft.replyTo);
    if (original == null) {
      return new ApiError(
        422,
        "validation_failed",
        `replyTo: no message ${draft.replyTo} in this channel`,
      );
    }
    record.replyTo = {
      seq: original.seq,
      author: original.author,
      excerpt: excerptOf(original),
    };
    writes.push(set(messageReplyKey(state.channelId, original.seq, seq), null));
  }
  setMentions(record, resolve(state, draft.mentionNames));
  writes.push(...mentionWrites(record, [], record.mentions ?? []));
  writes.push(...recordWrites(record, null));
  let claim: Deno.KvKey | null = null;
  if (draft.clientId !== undefined) {
    claim = messageClientIdKey(
      state.channelId,
      draft.author.id,
      draft.clientId,
    );
    writes.push(set(claim, seq));
  }
  const message = toMessage(record);
  return {
    writes,
    result: { message, created: true, changed: [message] },
    apply(s) {
      s.counter = { seq, rev };
      s.records.set(seq, record);
      if (record.replyTo) {
        const list = s.replies.get(record.replyTo.seq) ?? [];
        s.replies.set(record.replyTo.seq, [...list, seq]);
      }
      if (idKey !== null) s.earlier.set(idKey, message);
      if (claim !== null) s.claimed.push(claim);
    },
  };
}

// Applies `update` to the message at `seq` and, when its quote changed, to
// the replies quoting it. 404 for a seq with no message, 409 for a deleted one.
function planUpdate(
  state: BatchState,
  seq: number,
  update: (record: MessageRecord) => MessageRecord | ApiError,
  opts: { allowDeleted?: boolean } = {},
): Plan | ApiError {
  const before = state.records.get(seq);
  if (before == null) {
    return new ApiError(404, "message_not_found", `Message ${seq} not found`);
  }
  if (before.deleted) {
    if (opts.allowDeleted) return unchanged(before);
    return new ApiError(
      409,
      "message_deleted",
      `Message ${seq} has been deleted`,
    );
  }
  const next = update(before);
  if (next instanceof ApiError) return next;
  if (next === before) return unchanged(before);
  let rev = state.counter.rev + 1;
  const after: MessageRecord = { ...next, rev };
  const writes = [...recordWrites(after, before)];
  writes.push(
    ...mentionWrites(after, before.mentions ?? [], after.mentions ?? []),
  );
  let freedFileId: string | undefined;
  if (after.deleted) {
    if (before.replyTo) {
      writes.push(
        del(messageReplyKey(state.channelId, before.replyTo.seq, seq)),
      );
    }
    if (before.file) {
      // The metadata goes with the message, so the file stops being served at
      // once; the marker hands the chunks to the upload sweeper should this
      // process die before removing them itself.
      freedFileId = before.file.id;
      writes.push(del(fileKey(freedFileId)), set(startedKey(freedFileId), 0));
    }
  }
  const updated = [after];
  const excerpt = excerptOf(after);
  if (excerpt !== excerptOf(before)) {
    for (const replySeq of state.replies.get(seq) ?? []) {
      const reply = state.records.get(replySeq);
      if (!reply?.replyTo || reply.deleted) continue;
      const refreshed: MessageRecord = {
        ...reply,
        replyTo: { ...reply.replyTo, excerpt },
        rev: ++rev,
      };
      writes.push(...recordWrites(refreshed, reply));
      updated.push(refreshed);
    }
  }
  const changed = updated.map(toMessage);
  return {
    writes,
    result: { message: changed[0], created: true, changed, freedFileId },
    apply(s) {
      s.counter = { seq: s.counter.seq, rev };
      for (const record of updated) s.records.set(record.seq, record);
    },
  };
}

function unchanged(record: MessageRecord): Plan {
  return {
    writes: [],
    result: { message: toMessage(record), created: false, changed: [] },
    apply: () => {},
  };
}

// What stays of a deleted message: where it was, who wrote it, and when.
function tombstone(record: MessageRecord): MessageRecord {
  const stone: MessageRecord = {
    id: record.id,
    channelId: record.channelId,
    seq: record.seq,
    author: record.author,
    content: "",
    createdAt: record.createdAt,
    deleted: true,
    file: null,
  };
  if (record.editedAt !== undefined) stone.editedAt = record.editedAt;
  if (record.clientId !== undefined) stone.clientId = record.clientId;
  return stone;
}

function react(
  record: MessageRecord,
  change: { emoji: string; userId: string; add: boolean },
): MessageRecord | ApiError {
  const reactions: StoredReaction[] = record.reactions ?? [];
  const index = reactions.findIndex((r) => r.emoji === change.emoji);
  const existing = index === -1 ? null : reactions[index];
  const has = existing?.userIds.includes(change.userId) ?? false;
  if (change.add === has) return record;
  let next: StoredReaction[];
  if (change.add) {
    if (existing === null && reactions.length >= MAX_REACTIONS_PER_MESSAGE) {
      return new ApiError(
        422,
        "too_many_reactions",
        `A message takes at most ${MAX_REACTIONS_PER_MESSAGE} different emoji`,
      );
    }
    next = existing === null
      ? [...reactions, { emoji: change.emoji, userIds: [change.userId] }]
      : reactions.map((r, i) =>
        i === index ? { ...r, userIds: [...r.userIds, change.userId] } : r
      );
  } else {
    const userIds = existing!.userIds.filter((id) => id !== change.userId);
    next = userIds.length === 0
      ? reactions.filter((_, i) => i !== index)
      : reactions.map((r, i) => i === index ? { ...r, userIds } : r);
  }
  const reacted: MessageRecord = { ...record, reactions: next };
  if (next.length === 0) delete reacted.reactions;
  if (recordSize(reacted) > MAX_RECORD_BYTES) {
    return new ApiError(
      422,
      "too_many_reactions",
      "This message cannot take more reactions",
    );
  }
  return reacted;
}

/**
 * Largest stored message, in `recordSize` terms: 40 K characters of JSON.
 * KV stores strings in one or two bytes a character, and only the content
 * (at most 8,000 UTF-16 units) can need two, which keeps a record below KV's
 * 64 KiB value limit.
 */
export const MAX_RECORD_BYTES = 3 * 40 * 1024;

/** What a reply quotes of `record`: its first characters, its file's name, or "" once deleted. */
export function excerptOf(record: MessageRecord): string {
  if (record.deleted) return "";
  const text = record.content !== "" ? record.content : record.file?.name ?? "";
  return Array.from(text).slice(0, MAX_EXCERPT_LENGTH).join("");
}

// The member ids of `@names`, as the batch read them; others drop out.
function resolve(state: BatchState, names: string[]): string[] {
  const ids = names.flatMap((name) => {
    const id = state.people.get(name);
    return id == null ? [] : [id];
  });
  return [...new Set(ids)];
}

function setMentions(record: MessageRecord, mentions: string[]): void {
  if (mentions.length === 0) delete record.mentions;
  else record.mentions = mentions;
}

// The message row and its change log row, which moves from its old rev.
function recordWrites(
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

// The mention index rows of users who are newly mentioned or no longer are.
function mentionWrites(
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

function set(key: Deno.KvKey, value: unknown): Write {
  return { key, value, bytes: KEY_BYTES + 64 };
}

function del(key: Deno.KvKey): Write {
  return { key, delete: true, bytes: KEY_BYTES };
}

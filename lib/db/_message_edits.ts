/**
 * What a change does to one stored message, as pure functions: the tombstone
 * a deletion leaves, a reaction added or removed (with its limits), the quote
 * a reply shows, and the mentions a text makes.
 */
import { ApiError } from "../errors.ts";
import {
  MAX_EXCERPT_LENGTH,
  MAX_REACTIONS_PER_MESSAGE,
} from "../shared/limits.ts";
import {
  type MessageRecord,
  recordSize,
  type StoredReaction,
} from "./_message_record.ts";

/**
 * What stays of a deleted message: where it was, who wrote it, and when, and
 * whether a moderator (anyone but its author) deleted it.
 */
export function tombstone(
  record: MessageRecord,
  byModerator = false,
): MessageRecord {
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
  if (byModerator) stone.deletedBy = "moderator";
  if (record.editedAt !== undefined) stone.editedAt = record.editedAt;
  if (record.clientId !== undefined) stone.clientId = record.clientId;
  return stone;
}

/**
 * The record with `userId`'s reaction with `emoji` added or removed; the same
 * record when that is already so; 422 `too_many_reactions` for a 21st emoji
 * or a record that would grow past what KV stores.
 */
export function react(
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

/** The member ids of `@names`, by the batch's reading of who they are; others drop out. */
export function resolve(
  people: Map<string, string | null>,
  names: string[],
): string[] {
  const ids = names.flatMap((name) => {
    const id = people.get(name);
    return id == null ? [] : [id];
  });
  return [...new Set(ids)];
}

/** Sets (or, when empty, drops) a record's mentions. */
export function setMentions(record: MessageRecord, mentions: string[]): void {
  if (mentions.length === 0) delete record.mentions;
  else record.mentions = mentions;
}

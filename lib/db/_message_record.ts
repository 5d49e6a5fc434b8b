import type {
  CreateMessageResult,
  FileRef,
  Message,
  MessageAuthor,
} from "./messages.ts";
import type { FileRef as WireFile, ReplyRef } from "../shared/wire.ts";

export type { CreateMessageResult };

/** A validated message waiting for its seq. */
export interface Draft {
  id: string;
  channelId: string;
  author: MessageAuthor;
  content: string;
  clientId?: string;
  file: FileRef | null;
  /** The seq it answers; checked and quoted when the seq is given out. */
  replyTo?: number;
  /** Lower-cased `@names` in it; those of channel members become its mentions. */
  mentionNames: string[];
}

/** One emoji's reactions as stored; the count is derived. */
export interface StoredReaction {
  emoji: string;
  userIds: string[];
}

/**
 * A message as stored; the file's URL and the reaction counts are derived on
 * read. Records written before revs existed have no `rev`: theirs is their
 * seq (each was the channel's change when it was posted).
 */
export interface MessageRecord {
  id: string;
  channelId: string;
  seq: number;
  rev?: number;
  author: MessageAuthor;
  content: string;
  createdAt: string;
  editedAt?: string;
  deleted?: true;
  deletedBy?: "moderator";
  clientId?: string;
  file: FileRef | null;
  replyTo?: ReplyRef;
  reactions?: StoredReaction[];
  mentions?: string[];
}

/** A channel's counters: its newest message's seq and its latest change's rev. */
export interface ChannelCounter {
  seq: number;
  rev: number;
}

/** Reads a stored counter; older databases hold a bare seq, which is its rev too. */
export function counterOf(value: unknown): ChannelCounter {
  if (typeof value === "number") return { seq: value, rev: value };
  if (typeof value === "object" && value !== null) {
    const { seq, rev } = value as Partial<ChannelCounter>;
    if (typeof seq === "number" && typeof rev === "number") return { seq, rev };
  }
  return { seq: 0, rev: 0 };
}

// A record's fields in their stored order.
const FIELDS: readonly (keyof MessageRecord)[] = [
  "id",
  "channelId",
  "seq",
  "rev",
  "author",
  "content",
  "createdAt",
  "editedAt",
  "deleted",
  "deletedBy",
  "clientId",
  "file",
  "replyTo",
  "reactions",
  "mentions",
];

/**
 * The record with its fields in one fixed order (absent ones left out), so
 * that a message reads the same however it came about, and a restored one
 * exports byte for byte as it was. Built by adding only what is present, not
 * by deleting what is absent: an object with deleted properties is slower to
 * serialize, and every post's record is serialized three times.
 */
export function ordered(record: MessageRecord): MessageRecord {
  const out: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = record[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as MessageRecord;
}

/** Upper bound of a draft's stored size in bytes (UTF-8 never exceeds 3 per unit). */
export function draftSize(draft: Draft): number {
  return JSON.stringify(draft).length * 3 + 512;
}

/** Upper bound of a record's stored size in bytes. */
export function recordSize(record: MessageRecord): number {
  return JSON.stringify(record).length * 3 + 64;
}

/** The rev of a stored message. */
export function revOf(record: MessageRecord): number {
  return record.rev ?? record.seq;
}

/** Derives the public message from a stored one: the file's URLs come from its id. */
export function toMessage(record: MessageRecord): Message {
  const reactions = (record.reactions ?? []).map((r) => ({
    emoji: r.emoji,
    count: r.userIds.length,
    userIds: r.userIds,
  }));
  return {
    ...record,
    rev: revOf(record),
    file: record.file === null ? null : fileOf(record.file),
    reactions,
    mentions: record.mentions ?? [],
  };
}

// The file as the API shows it: its URLs come from its id.
function fileOf(stored: NonNullable<MessageRecord["file"]>): WireFile {
  const { thumbnail, ...file } = stored;
  const url = `/files/${encodeURIComponent(file.id)}`;
  return thumbnail
    ? { ...file, url, thumbnailUrl: `${url}/thumbnail` }
    : { ...file, url };
}

import type {
  CreateMessageResult,
  FileRef,
  Message,
  MessageAuthor,
} from "./messages.ts";

export type { CreateMessageResult };

/** A validated message waiting for its seq. */
export interface Draft {
  id: string;
  channelId: string;
  author: MessageAuthor;
  content: string;
  clientId?: string;
  file: FileRef | null;
}

/** A message as stored; the file's URL is derived on read. */
export interface MessageRecord extends Omit<Message, "file"> {
  file: FileRef | null;
}

/** Upper bound of a draft's stored size in bytes (UTF-8 never exceeds 3 per unit). */
export function draftSize(draft: Draft): number {
  return JSON.stringify(draft).length * 3 + 256;
}

/** Derives the public message from a stored one. */
export function toMessage(record: MessageRecord): Message {
  const file = record.file === null
    ? null
    : { ...record.file, url: `/files/${encodeURIComponent(record.file.id)}` };
  return { ...record, file };
}

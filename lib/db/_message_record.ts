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

/** Derives the public message from a stored one: the file's URLs come from its id. */
export function toMessage(record: MessageRecord): Message {
  if (record.file === null) return { ...record, file: null };
  const { thumbnail, ...file } = record.file;
  const url = `/files/${encodeURIComponent(file.id)}`;
  return {
    ...record,
    file: thumbnail
      ? { ...file, url, thumbnailUrl: `${url}/thumbnail` }
      : { ...file, url },
  };
}

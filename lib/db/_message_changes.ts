/**
 * What each change to a channel's messages writes, worked out against a
 * batch's view of the channel: a post takes the next seq, and every change
 * (post, edit, deletion, reaction) takes the next rev. Pure: nothing here
 * touches KV, so a batch can plan a change, see whether it still fits in the
 * atomic, and only then take it.
 */
import { ApiError } from "../errors.ts";
import type { Message } from "../shared/wire.ts";
import {
  fileKey,
  messageClientIdKey,
  messageReplyKey,
  startedKey,
  unreferencedFileKey,
} from "./_keys.ts";
import {
  excerptOf,
  react,
  resolve,
  setMentions,
  tombstone,
} from "./_message_edits.ts";
import {
  type ChannelCounter,
  type Draft,
  type MessageRecord,
  toMessage,
} from "./_message_record.ts";
import {
  del,
  mentionWrites,
  recordWrites,
  set,
  type Write,
} from "./_message_writes.ts";
import { storageWrite } from "./storage.ts";

export type { Write };

/** One change to a channel's messages, as the writer queues it. */
export type Change =
  | { kind: "post"; draft: Draft }
  | { kind: "edit"; seq: number; content: string; mentionNames: string[] }
  | { kind: "delete"; seq: number; byModerator?: boolean }
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
        setMentions(edited, resolve(state.people, change.mentionNames));
        return edited;
      });
    case "delete":
      return planUpdate(
        state,
        change.seq,
        (record) => tombstone(record, change.byModerator),
        {
          allowDeleted: true,
        },
      );
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
  setMentions(record, resolve(state.people, draft.mentionNames));
  writes.push(...mentionWrites(record, [], record.mentions ?? []));
  writes.push(...recordWrites(record, null));
  // From now on a message points at the file: the sweeper must leave it.
  if (draft.file !== null) {
    writes.push(
      del(unreferencedFileKey(draft.file.id)),
      storageWrite(draft.author.id, draft.file.size),
    );
  }
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
      writes.push(
        del(fileKey(freedFileId)),
        set(startedKey(freedFileId), 0),
        storageWrite(before.author.id, -before.file.size),
      );
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

/**
 * Use cases that change stored messages: edit, delete, react, and reading
 * the channel's changes since a rev. Who may do what is the standing's rule
 * (`mayEdit`, `mayDelete`); each change is published, once committed, as a
 * `message_update` with the whole message, for it and for every reply whose
 * quote it refreshed.
 */
import { abandonUpload, deleteFile, getFileMeta } from "../files/store.ts";
import { type Message } from "../db/messages.ts";
import {
  type ChangeResult,
  deleteMessage,
  editMessage,
  getMessage,
  listChanges,
  setReaction,
} from "../db/message_changes.ts";
import { appendAudit } from "../db/audit.ts";
import { ApiError } from "../errors.ts";
import { log } from "../log.ts";
import { updateEvent } from "../realtime/hub.ts";
import { mentionedNames } from "../shared/mentions.ts";
import type { Services } from "../services.ts";
import type { ChannelMember } from "./standing.ts";

/** Replaces the content of the member's own message; 403 `not_author` for anyone else's. */
export async function editOwnMessage(
  member: ChannelMember,
  seq: number,
  content: string,
): Promise<Message> {
  await member.refuseTimedOut();
  const message = await existing(member, seq);
  if (!member.mayEdit(message.author.id)) {
    throw new ApiError(403, "not_author", "Only its author can edit a message");
  }
  const result = await editMessage(member.services.kv, member.channelId, seq, {
    content,
    hasFile: message.file !== null,
    mentionNames: mentionedNames(content),
  });
  return publish(member, result);
}

/**
 * Deletes a message the member may delete (see `mayDelete`): it stays as a
 * tombstone, and its file's bytes are removed.
 */
export async function removeMessage(
  member: ChannelMember,
  seq: number,
): Promise<void> {
  const message = await existing(member, seq);
  if (!member.mayDelete(message.author.id)) {
    throw new ApiError(
      403,
      "not_author",
      "Only its author or the channel's owner can delete a message",
    );
  }
  await eraseMessage(member.services, message, member.user.id);
}

/** How {@linkcode eraseMessage} records a deletion by someone else. */
export interface EraseAudit {
  /** Why, for the audit log. */
  reason?: string;
  /** Leave the audit to the caller (a ban's sweep records one entry for all). */
  unaudited?: boolean;
}

/**
 * Deletes `message` for `actorId`, whose right to has been checked: a
 * tombstone stays (marked as deleted by a moderator when `actorId` is not its
 * author), the file's bytes go, and a deletion by anyone but the author is
 * audited as `message_deleted`.
 */
export async function eraseMessage(
  services: Services,
  message: Message,
  actorId: string,
  audit: EraseAudit = {},
): Promise<void> {
  const { kv } = services;
  const { channelId, seq } = message;
  const byModerator = actorId !== message.author.id;
  // The thumbnail is named only by the file's metadata, which the deletion removes.
  const thumbnailId = message.file?.thumbnailUrl
    ? (await getFileMeta(kv, message.file.id))?.thumbnail?.id
    : undefined;
  const result = await deleteMessage(kv, channelId, seq, byModerator);
  publishTo(services, channelId, result);
  if (byModerator && !audit.unaudited && result.changed.length > 0) {
    await appendAudit(kv, {
      actorId,
      action: "message_deleted",
      target: `${channelId}/${seq}`,
      ...(audit.reason ? { reason: audit.reason } : {}),
    });
  }
  if (result.freedFileId === undefined) return;
  try {
    await abandonUpload(kv, result.freedFileId);
    if (thumbnailId !== undefined) await deleteFile(kv, thumbnailId);
  } catch (error) {
    // The file is already unreadable; the sweeper removes what is left.
    log("warn", "deleted file's chunks left to the sweeper", {
      fileId: result.freedFileId,
      error: String(error),
    });
  }
}

/** Adds (`add`) or removes the member's reaction with `emoji`; idempotent. */
export async function react(
  member: ChannelMember,
  seq: number,
  emoji: string,
  add: boolean,
): Promise<void> {
  await member.refuseTimedOut();
  const result = await setReaction(member.services.kv, member.channelId, seq, {
    emoji,
    userId: member.user.id,
    add,
  });
  publish(member, result);
}

/** Messages changed after rev `since`, in rev order (see `listChanges`). */
export function changesSince(
  member: ChannelMember,
  since: number,
  limit?: number,
): Promise<Message[]> {
  return listChanges(member.services.kv, member.channelId, since, { limit });
}

async function existing(member: ChannelMember, seq: number): Promise<Message> {
  const message = await getMessage(member.services.kv, member.channelId, seq);
  if (message === null) {
    throw new ApiError(404, "message_not_found", `Message ${seq} not found`);
  }
  return message;
}

function publish(member: ChannelMember, result: ChangeResult): Message {
  return publishTo(member.services, member.channelId, result);
}

function publishTo(
  services: Services,
  channelId: string,
  result: ChangeResult,
): Message {
  for (const message of result.changed) {
    services.hub.publish(channelId, updateEvent(message));
  }
  return result.message;
}

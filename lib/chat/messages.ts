/** Use cases of a channel's messages: post, read history, mark read. */
import { markRead as storeReadMarker } from "../db/channels.ts";
import {
  createMessage,
  type FileRef,
  listMessages,
  type Message,
} from "../db/messages.ts";
import { messageEvent } from "../realtime/hub.ts";
import type { ListMessagesQuery } from "../shared/requests.ts";
import type { ChannelMember } from "./standing.ts";

/** What a message post stored, and whether it was new (false for a repeated clientId). */
export interface PostedMessage {
  message: Message;
  created: boolean;
}

/** What a member posts: text, an idempotency key, and a stored file. */
export interface MessageInput {
  content: string;
  clientId?: string;
  file?: FileRef;
}

/**
 * Stores a message and, only once it is committed, publishes it to the
 * channel's sockets. HTTP posts, uploads and socket frames all post here, so
 * the per-user message cap (429 `rate_limited`) holds for all three.
 */
export async function postMessage(
  member: ChannelMember,
  input: MessageInput,
): Promise<PostedMessage> {
  const { services, user } = member;
  services.quotas.takeMessage(user.id);
  const result = await createMessage(services.kv, {
    channelId: member.channelId,
    author: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
    },
    content: input.content,
    clientId: input.clientId,
    file: input.file,
  });
  if (result.created) {
    services.hub.publish(member.channelId, messageEvent(result.message));
  }
  return result;
}

/** A page of the channel's history, oldest first (see `listMessages`). */
export function readHistory(
  member: ChannelMember,
  query: ListMessagesQuery,
): Promise<Message[]> {
  return listMessages(member.services.kv, member.channelId, query);
}

/** Moves the member's read marker forward to `seq` (never back). */
export function markRead(member: ChannelMember, seq: number): Promise<void> {
  return storeReadMarker(
    member.services.kv,
    member.user.id,
    member.channelId,
    seq,
  );
}

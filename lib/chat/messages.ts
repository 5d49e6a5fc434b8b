/** Use cases of a channel's messages: post, read history, mark read. */
import { markRead as storeReadMarker } from "../db/channels.ts";
import {
  type Draft,
  draftMessage,
  type FileRef,
  listMessages,
  type Message,
  storeDraft,
} from "../db/messages.ts";
import { messageEvent } from "../realtime/hub.ts";
import { notifyBots } from "./outgoing_webhooks.ts";
import { type Admission, admitPost, releaseSlot } from "./channel_rules.ts";
import { pushMessage } from "./push.ts";
import { mentionedNames } from "../shared/mentions.ts";
import type { ListMessagesQuery } from "../shared/requests.ts";
import type { ChannelMember } from "./standing.ts";

/** What a message post stored, and whether it was new (false for a repeated clientId). */
export interface PostedMessage {
  message: Message;
  created: boolean;
}

/** What a member posts: text, an idempotency key, a stored file, the seq it answers. */
export interface MessageInput {
  content: string;
  clientId?: string;
  file?: FileRef;
  replyTo?: number;
}

/**
 * Stores a message and, only once it is committed, publishes it to the
 * channel's sockets. HTTP posts, uploads and socket frames all post here, so
 * the per-user message cap (429 `rate_limited`) holds for all three (uploads
 * take their turn before their body is read), and so do the channel's
 * rules (read-only, slow mode: see `channel_rules.ts`). `@names` of the
 * channel's members become its `mentions`.
 */
export async function postMessage(
  member: ChannelMember,
  input: MessageInput,
): Promise<PostedMessage> {
  await member.services.quotas.takeMessage(member.user.id);
  let admission: Admission = { slot: null };
  await member.refuseTimedOut(async () => {
    admission = await admitPost(member, {
      claim: true,
      clientId: input.clientId,
    });
  });
  const { slot, twin } = admission;
  if (twin) return { message: twin, created: false };
  let posted: PostedMessage | undefined;
  try {
    posted = await postDraft(member, draftPost(member, input));
    return posted;
  } finally {
    // A refused or repeated message leaves the member's window as it was.
    if (!posted?.created) await releaseSlot(member, slot);
  }
}

/** The member's message checked against every rule, not yet stored (see `draftMessage`). */
export function draftPost(member: ChannelMember, input: MessageInput): Draft {
  const { user } = member;
  return draftMessage({
    channelId: member.channelId,
    author: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      ...(user.bot ? { bot: true as const } : {}),
    },
    content: input.content,
    clientId: input.clientId,
    file: input.file,
    replyTo: input.replyTo,
    mentionNames: mentionedNames(input.content),
  });
}

/** Stores a drafted message and, once it is committed, publishes it (a member's or a webhook's). */
export async function postDraft(
  member: Pick<ChannelMember, "services" | "channel" | "channelId">,
  draft: Draft,
): Promise<PostedMessage> {
  const { services } = member;
  const result = await storeDraft(services.kv, draft);
  if (result.created) {
    services.hub.publish(member.channelId, messageEvent(result.message));
    // After the answer's commit, off the request's path: a slow push service never delays a send.
    void pushMessage(services, member.channel, result.message);
    void notifyBots(services, member.channel, result.message);
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

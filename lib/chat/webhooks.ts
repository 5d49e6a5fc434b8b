/**
 * Use cases of incoming webhooks: a channel's manager (its owner or an
 * admin) makes, lists and revokes URLs that post to the channel; whoever
 * holds a URL posts through it with no account. The secret in the URL is the
 * only credential: stored hashed, compared in constant time, and an unknown
 * webhook costs the same work as a wrong secret, so neither is told apart.
 */
import { hashSecret, newSecret, secretMatches } from "../auth/bot_token.ts";
import { getMembership } from "../db/channels.ts";
import { draftMessage, type Message } from "../db/messages.ts";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  webhookNotFound,
  type WebhookRecord,
} from "../db/webhooks.ts";
import { mentionedNames } from "../shared/mentions.ts";
import type { WebhookPostBody } from "../shared/integrations.ts";
import type { Services } from "../services.ts";
import { postDraft } from "./messages.ts";
import { type ChannelManager, refuseTimedOut } from "./standing.ts";

/** A webhook as its channel's managers see it; never its secret. */
export interface WebhookView {
  id: string;
  channelId: string;
  name: string;
  createdBy: string;
  createdAt: string;
}

// Compared against when the webhook is unknown, so that answer takes as long as a wrong secret.
const DUMMY_HASH = await hashSecret("no webhook has this secret");

/**
 * Makes a webhook of the manager's channel; its `url` (secret included) is
 * shown this once. 403 `timed_out` for a timed-out manager: the webhook
 * would post for them.
 */
export async function createIncomingWebhook(
  manager: ChannelManager,
  name: string,
  origin: string,
): Promise<WebhookView & { url: string }> {
  await refuseTimedOut(manager.services, manager.user);
  const secret = newSecret();
  const record: WebhookRecord = {
    id: crypto.randomUUID(),
    channelId: manager.channelId,
    name,
    secretHash: await hashSecret(secret),
    createdBy: manager.user.id,
    createdAt: new Date().toISOString(),
  };
  await createWebhook(manager.services.kv, record);
  return { ...viewOf(record), url: `${origin}/hooks/${record.id}/${secret}` };
}

/** The channel's webhooks, oldest first, without secrets. */
export async function channelWebhooks(
  manager: ChannelManager,
): Promise<WebhookView[]> {
  return (await listWebhooks(manager.services.kv, manager.channelId)).map(
    viewOf,
  );
}

/** Revokes a webhook of the manager's channel: its URL answers 404 from now on. */
export async function revokeIncomingWebhook(
  manager: ChannelManager,
  hookId: string,
): Promise<void> {
  await deleteWebhook(manager.services.kv, manager.channelId, hookId);
}

/**
 * Posts `body` to the webhook's channel as the webhook: 404
 * `webhook_not_found` for an unknown or revoked webhook and a wrong secret
 * alike, 429 past the per-sender message cap (counted per webhook), and the
 * content rules of every message.
 */
export async function postThroughWebhook(
  services: Services,
  hookId: string,
  secret: string,
  body: WebhookPostBody,
): Promise<Message> {
  const hook = await getWebhook(services.kv, hookId);
  const matches = await secretMatches(secret, hook?.secretHash ?? DUMMY_HASH);
  if (hook === null || !matches) throw webhookNotFound();
  const { channel } = await getMembership(services.kv, hook.channelId, hook.id);
  if (channel === null) throw webhookNotFound();
  await services.quotas.takeMessage(`webhook:${hook.id}`);
  const content = body.content ?? body.text ?? "";
  const draft = draftMessage({
    channelId: channel.id,
    author: {
      id: hook.id,
      username: "webhook",
      displayName: body.username ?? hook.name,
      bot: true,
      webhook: true,
      ...(body.avatarUrl ? { hookAvatarUrl: body.avatarUrl } : {}),
    },
    content,
    mentionNames: mentionedNames(content),
  });
  const { message } = await postDraft(
    { services, channel, channelId: channel.id },
    draft,
  );
  return message;
}

function viewOf(record: WebhookRecord): WebhookView {
  return {
    id: record.id,
    channelId: record.channelId,
    name: record.name,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
  };
}

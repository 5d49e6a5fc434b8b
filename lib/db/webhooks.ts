/** Incoming webhooks: a channel's URLs that post to it, stored with their secret hashed. */
import { ApiError } from "../errors.ts";
import { MAX_CHANNEL_WEBHOOKS } from "../shared/integrations.ts";
import {
  channelWebhookKey,
  channelWebhooksPrefix,
  webhookKey,
} from "./_keys.ts";
import { getManyChunked, retryAtomic } from "./_kv.ts";
import { type KvRow, stageRows } from "./rows.ts";

/** An incoming webhook as stored. */
export interface WebhookRecord {
  id: string;
  channelId: string;
  /** Shown as the author of what it posts, unless a post gives a name. */
  name: string;
  /** SHA-256 of the secret in its URL, base64url. */
  secretHash: string;
  createdBy: string;
  createdAt: string;
}

/** Stores a new webhook of a channel; 409 `too_many_webhooks` past the per-channel cap. */
export async function createWebhook(
  kv: Deno.Kv,
  record: WebhookRecord,
): Promise<void> {
  await retryAtomic("the webhook", async () => {
    const existing = await listWebhookIds(kv, record.channelId);
    if (existing.length >= MAX_CHANNEL_WEBHOOKS) {
      throw new ApiError(
        409,
        "too_many_webhooks",
        `A channel has at most ${MAX_CHANNEL_WEBHOOKS} webhooks; revoke one first`,
      );
    }
    const op = kv.atomic()
      .check({ key: webhookKey(record.id), versionstamp: null });
    return { op: stageRows(op, webhookRows(record)), value: undefined };
  });
}

/** A webhook and its row in the channel's list. */
export function webhookRows(record: WebhookRecord): KvRow[] {
  return [
    { key: webhookKey(record.id), value: record },
    {
      key: channelWebhookKey(record.channelId, record.id),
      value: record.createdAt,
    },
  ];
}

/** The webhook `hookId`, or null. */
export async function getWebhook(
  kv: Deno.Kv,
  hookId: string,
): Promise<WebhookRecord | null> {
  // Ids are UUIDs: anything else cannot exist, and stays out of KV keys.
  if (!/^[0-9a-f-]{36}$/.test(hookId)) return null;
  return (await kv.get<WebhookRecord>(webhookKey(hookId))).value;
}

/** The channel's webhooks, oldest first. */
export async function listWebhooks(
  kv: Deno.Kv,
  channelId: string,
): Promise<WebhookRecord[]> {
  const ids = await listWebhookIds(kv, channelId);
  const entries = await getManyChunked<WebhookRecord>(kv, ids.map(webhookKey));
  return entries.flatMap((e) => e.value === null ? [] : [e.value])
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Removes the channel's webhook `hookId`; 404 `webhook_not_found` when the channel has none such. */
export async function deleteWebhook(
  kv: Deno.Kv,
  channelId: string,
  hookId: string,
): Promise<void> {
  const record = await getWebhook(kv, hookId);
  if (record === null || record.channelId !== channelId) {
    throw webhookNotFound();
  }
  await kv.atomic()
    .delete(webhookKey(hookId))
    .delete(channelWebhookKey(channelId, hookId))
    .commit();
}

/** 404 `webhook_not_found`: the same answer for an unknown id and a wrong secret. */
export function webhookNotFound(): ApiError {
  return new ApiError(404, "webhook_not_found", "No such webhook");
}

async function listWebhookIds(kv: Deno.Kv, channelId: string) {
  const ids: string[] = [];
  const rows = kv.list({ prefix: channelWebhooksPrefix(channelId) });
  for await (const row of rows) ids.push(row.key.at(-1) as string);
  return ids;
}

/**
 * Bots' outgoing webhooks: after a message is committed, each bot with a
 * webhook URL gets it when the message mentions the bot, is in a DM the bot
 * is in, or is in a channel the bot hears in full (and is a member of). The
 * delivery is logged and queued in one atomic and attempted by a queue
 * listener, so a slow receiver never delays a send; failed attempts are
 * retried with growing delays (`webhookRetryDelaysMs`). Every request goes
 * through `safePost`: never to a private address unless the operator allows
 * it, checked at connect time, with redirects not followed.
 */
import type { ChannelRecord } from "../db/channels.ts";
import { getMembership } from "../db/channels.ts";
import { type BotRecord, getBot } from "../db/bots.ts";
import {
  type DeliveryJob,
  type DeliveryReason,
  listenForDeliveries,
  newDeliveryId,
  queueDelivery,
  recordAttempt,
} from "../db/deliveries.ts";
import { errorFields, log } from "../log.ts";
import { hookedBotsOf } from "./_hooked_bots_cache.ts";
import { RefusedTarget, safePost } from "../net/safe_request.ts";
import { signatureOf } from "../net/signature.ts";
import type { Services } from "../services.ts";
import type { Message } from "../shared/wire.ts";

/** What a bot's webhook receives for one message. */
export interface WebhookPayload {
  event: "message";
  reason: DeliveryReason;
  bot: { id: string; username: string };
  channel: { id: string; name: string; kind: "channel" | "dm" };
  message: Message;
}

// A receiver gets this long to answer each attempt; its answer is not read past this.
const ATTEMPT_LIMITS = { timeoutMs: 10_000, maxResponseBytes: 16 * 1024 };

/** Queues the message for every bot that should hear it. Never throws: a webhook is a courtesy. */
export async function notifyBots(
  services: Services,
  channel: ChannelRecord,
  message: Message,
): Promise<void> {
  try {
    const bots = await hookedBotsOf(services).list();
    for (const bot of bots) {
      const reason = await reasonFor(services, bot, channel, message);
      if (reason !== null) {
        await queueFor(services, bot, reason, channel, message);
      }
    }
  } catch (error) {
    log("error", "queueing a bot delivery failed", errorFields(error));
  }
}

// Why `bot` should hear `message`, or null.
async function reasonFor(
  services: Services,
  bot: BotRecord,
  channel: ChannelRecord,
  message: Message,
): Promise<DeliveryReason | null> {
  // A bot never hears itself, which keeps one bot from looping on its own posts.
  if (bot.id === message.author.id || bot.webhook === null) return null;
  // Mentions are of channel members only, so this one needs no membership read.
  if (message.mentions.includes(bot.id)) return "mention";
  const reason = channel.kind === "dm"
    ? "dm"
    : bot.webhook.channelIds.includes(channel.id)
    ? "channel"
    : null;
  if (reason === null) return null;
  const { joinedAt } = await getMembership(services.kv, channel.id, bot.id);
  return joinedAt === null ? null : reason;
}

async function queueFor(
  services: Services,
  bot: BotRecord,
  reason: DeliveryReason,
  channel: ChannelRecord,
  message: Message,
): Promise<void> {
  const stored = await getBot(services.kv, bot.id);
  if (stored === null || bot.webhook === null) return;
  const payload: WebhookPayload = {
    event: "message",
    reason,
    bot: { id: bot.id, username: stored.user.username },
    channel: {
      id: channel.id,
      name: channel.name,
      kind: channel.kind === "dm" ? "dm" : "channel",
    },
    message,
  };
  const at = new Date().toISOString();
  const id = newDeliveryId();
  await queueDelivery(services.kv, {
    id,
    botId: bot.id,
    url: bot.webhook.url,
    reason,
    channelId: channel.id,
    seq: message.seq,
    status: "pending",
    attempts: 0,
    lastStatus: null,
    error: null,
    createdAt: at,
    updatedAt: at,
  }, {
    kind: "bot_delivery",
    deliveryId: id,
    botId: bot.id,
    url: bot.webhook.url,
    body: JSON.stringify(payload),
    attempt: 0,
  });
}

/** Starts attempting queued deliveries; it ends when the store closes. */
export function startDeliveries(services: Services): void {
  listenForDeliveries(services.kv, (job) => attempt(services, job)).catch(
    (error) => log("error", "webhook deliveries stopped", errorFields(error)),
  );
}

/** Makes one attempt of `job`, records it, and queues the next one after a failure. */
export async function attempt(
  services: Services,
  job: DeliveryJob,
): Promise<void> {
  const delays = services.config.webhookRetryDelaysMs;
  try {
    const bot = await getBot(services.kv, job.botId);
    const hook = bot?.record.deletedAt ? null : bot?.record.webhook ?? null;
    if (hook === null || hook.url !== job.url) {
      await recordAttempt(services.kv, job, {
        status: "failed",
        lastStatus: null,
        error: "The webhook was removed or changed",
      });
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    let final = false;
    try {
      const res = await safePost(
        job.url,
        job.body,
        {
          "content-type": "application/json",
          "user-agent": "Hearth-Webhook",
          "x-hearth-delivery": job.deliveryId,
          "x-hearth-event": "message",
          "x-hearth-timestamp": String(timestamp),
          "x-hearth-signature": await signatureOf(
            hook.secret,
            timestamp,
            job.body,
          ),
        },
        { allowPrivate: services.config.webhookAllowPrivate },
        ATTEMPT_LIMITS,
      );
      status = res.status;
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (caught) {
      error = (caught as Error).message;
      // A refused address will be refused again: no retry.
      final = caught instanceof RefusedTarget;
    }
    if (error === null) {
      await recordAttempt(services.kv, job, {
        status: "delivered",
        lastStatus: status,
        error: null,
      });
      return;
    }
    const retry = !final && job.attempt < delays.length;
    await recordAttempt(
      services.kv,
      job,
      { status: retry ? "pending" : "failed", lastStatus: status, error },
      retry ? { delayMs: delays[job.attempt] } : undefined,
    );
    // Info, not warn: a receiver's trouble is the bot's, shown in its log.
    log("info", "webhook attempt failed", {
      botId: job.botId,
      attempt: job.attempt + 1,
      error,
    });
  } catch (caught) {
    log(
      "error",
      "a webhook attempt could not be recorded",
      errorFields(caught),
    );
  }
}

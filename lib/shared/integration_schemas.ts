/**
 * The schemas of the integration API's answers: bots, their outgoing
 * deliveries and incoming webhooks. `/openapi.json` documents `/bots`,
 * `/channels/{id}/webhooks` and `/hooks/{id}/{secret}` with them, and
 * lib/openapi/types_match_test.ts holds lib/chat's types equal to them.
 */
import { z } from "zod";
import { userSchema } from "./response_schemas.ts";

/** A bot as admins see it: its account, its maker, and its webhook (never the secret). */
export const botSchema = userSchema.extend({
  createdBy: z.string().describe("The admin who made it"),
  deleted: z.boolean(),
  webhook: z.object({
    url: z.string(),
    channelIds: z.array(z.string()).describe(
      "Channels it hears in full (besides mentions and DMs)",
    ),
  }).nullable().describe("Its outgoing webhook; null for none"),
}).meta({ id: "Bot", description: "A bot account as admins see it" });

/** A bot with a token that is shown this once. */
export const botWithTokenSchema = z.object({
  bot: botSchema,
  token: z.string().describe(
    "Send as Authorization: Bot <token>; shown this once",
  ),
}).meta({ id: "BotWithToken", description: "A bot and its new token" });

/** What `PATCH /bots/{id}` answers: the bot, with a new webhook URL's signing secret once. */
export const botChangedSchema = botSchema.extend({
  webhookSecret: z.string().optional().describe(
    "With a new webhookUrl: the HMAC key of X-Hearth-Signature, shown this once",
  ),
}).meta({ id: "BotChanged", description: "A bot as changed" });

/** One outgoing delivery as `GET /bots/{id}/deliveries` lists it. */
export const deliverySchema = z.object({
  id: z.string(),
  botId: z.string(),
  url: z.string(),
  reason: z.enum(["mention", "dm", "channel"]),
  channelId: z.string(),
  seq: z.number().int(),
  status: z.enum(["pending", "delivered", "failed"]).describe(
    "pending while attempts remain, then delivered (a 2xx) or failed",
  ),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable().describe(
    "The latest attempt's HTTP status; null when none answered",
  ),
  error: z.string().nullable().describe(
    "Why the latest attempt failed; null after a success",
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "Delivery", description: "One outgoing webhook delivery" });

/** An incoming webhook as its channel's managers see it; never its secret. */
export const webhookSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  name: z.string().describe("Shown as the author of what it posts"),
  createdBy: z.string(),
  createdAt: z.string(),
}).meta({ id: "Webhook", description: "An incoming webhook" });

/** What `POST /channels/{id}/webhooks` answers: the webhook and its URL, shown this once. */
export const webhookCreatedSchema = webhookSchema.extend({
  url: z.string().describe(
    "{origin}/hooks/{id}/{secret}: whoever holds it posts; shown this once",
  ),
}).meta({ id: "WebhookCreated", description: "A new webhook and its URL" });

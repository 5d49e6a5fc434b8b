/** Operations of the integration API: bots/, channels/[id]/webhooks…, hooks/. */
import { z } from "zod";
import {
  changeBotBody,
  createBotBody,
  createWebhookBody,
  deliveriesQuery,
  webhookPostBody,
} from "../../shared/integrations.ts";
import {
  botChangedSchema,
  botSchema,
  botWithTokenSchema,
  deliverySchema,
  webhookCreatedSchema,
  webhookSchema,
} from "../../shared/integration_schemas.ts";
import { messageSchema } from "../../shared/wire_schemas.ts";
import { empty, json, type OperationRegistry } from "../operation.ts";

/** Every bot route is for admins and above. */
const ADMINS = { 403: ["forbidden_role"] };
/** A bot route naming a bot that is unknown or deleted. */
const OF_A_BOT = { ...ADMINS, 404: ["bot_not_found"] };
/** What a channel's webhook routes refuse: they are its owner's and admins'. */
const OF_A_MANAGED_CHANNEL = {
  403: ["not_owner", "not_member", "direct_message"],
  404: ["channel_not_found"],
};

/** Bots and webhooks, keyed by route file. */
export const integrationOperations: OperationRegistry = {
  "bots/index.ts": {
    GET: {
      id: "listBots",
      summary: "Every bot, deleted ones included (admins and above)",
      auth: "user",
      responses: { 200: json(z.array(botSchema), "Bots") },
      errors: ADMINS,
    },
    POST: {
      id: "createBot",
      summary: "Make a bot account; its token is shown this once",
      auth: "user",
      body: createBotBody,
      responses: { 201: json(botWithTokenSchema, "The bot and its token") },
      errors: { ...ADMINS, 409: ["username_taken"] },
    },
  },
  "bots/[id].ts": {
    PATCH: {
      id: "changeBot",
      summary: "Set, change or turn off (null) the bot's outgoing webhook",
      auth: "user",
      body: changeBotBody,
      responses: {
        200: json(botChangedSchema, "The bot; a new URL's secret this once"),
      },
      errors: { ...OF_A_BOT, 422: ["webhook_url_refused"] },
    },
    DELETE: {
      id: "deleteBot",
      summary: "Delete a bot: its token stops working, the account stays",
      auth: "user",
      responses: { 204: empty("Deleted") },
      errors: OF_A_BOT,
    },
  },
  "bots/[id]/token.ts": {
    POST: {
      id: "rotateBotToken",
      summary: "A new token; the old one stops working and its sockets close",
      auth: "user",
      responses: { 200: json(botWithTokenSchema, "The bot and its token") },
      errors: OF_A_BOT,
    },
  },
  "bots/[id]/deliveries.ts": {
    GET: {
      id: "listDeliveries",
      summary: "The bot's latest outgoing webhook deliveries, newest first",
      auth: "user",
      query: deliveriesQuery,
      responses: { 200: json(z.array(deliverySchema), "Deliveries") },
      errors: OF_A_BOT,
    },
  },
  "channels/[id]/webhooks.ts": {
    GET: {
      id: "listWebhooks",
      summary: "The channel's incoming webhooks, oldest first (no secrets)",
      auth: "user",
      responses: { 200: json(z.array(webhookSchema), "Webhooks") },
      errors: OF_A_MANAGED_CHANNEL,
    },
    POST: {
      id: "createWebhook",
      summary: "Make an incoming webhook; its URL is shown this once",
      auth: "user",
      body: createWebhookBody,
      responses: { 201: json(webhookCreatedSchema, "The webhook and URL") },
      errors: { ...OF_A_MANAGED_CHANNEL, 409: ["too_many_webhooks"] },
    },
  },
  "channels/[id]/webhooks/[hookId].ts": {
    DELETE: {
      id: "revokeWebhook",
      summary: "Revoke a webhook: its URL answers 404 from now on",
      auth: "user",
      responses: { 204: empty("Revoked") },
      errors: {
        ...OF_A_MANAGED_CHANNEL,
        404: ["channel_not_found", "webhook_not_found"],
      },
    },
  },
  "hooks/[id]/[secret].ts": {
    POST: {
      id: "postThroughWebhook",
      summary: "Post to the webhook's channel (the URL is the credential)",
      description:
        "Hearth's {content, username?, avatarUrl?} or Slack's {text}. No cookie or token is read. An unknown, revoked or wrong URL is the same 404.",
      auth: "public",
      body: webhookPostBody,
      rateLimited: true,
      responses: { 201: json(messageSchema, "The stored message") },
      errors: { 404: ["webhook_not_found"] },
    },
  },
};

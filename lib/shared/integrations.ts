/**
 * The bodies of the integration API: bots (`/bots`), incoming webhooks
 * (`/channels/{id}/webhooks`, `/hooks/{id}/{secret}`) and bots' outgoing
 * webhooks, composed from the field schemas like every other body.
 */
import { z } from "zod";
import {
  channelIdSchema,
  contentSchema,
  displayNameSchema,
  pageLimitSchema,
  usernameSchema,
} from "./fields.ts";

const bodyError = { error: "Request body must be a JSON object" };

/** Longest URL accepted for a webhook target or a webhook's avatar. */
export const MAX_URL_LENGTH = 2048;

/** Most channels a bot's outgoing webhook hears in full. */
export const MAX_HOOK_CHANNELS = 50;

/** Most incoming webhooks per channel. */
export const MAX_CHANNEL_WEBHOOKS = 20;

/** An http(s) URL; whether its target may be reached is decided when sending. */
export const webUrlSchema = z.string({ error: "URL must be a string" })
  .trim()
  .max(MAX_URL_LENGTH, `URL must be at most ${MAX_URL_LENGTH} characters`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:";
    } catch {
      return false;
    }
  }, "URL must be an http or https URL");

/** A webhook's name, shown as the author of what it posts. */
export const webhookNameSchema = displayNameSchema;

/** The body of `POST /bots`. */
export const createBotBody = z.object({
  username: usernameSchema,
  displayName: displayNameSchema.optional(),
}, bodyError);

/** The body of `PATCH /bots/{id}`: the outgoing webhook (null turns it off). */
export const changeBotBody = z.object({
  webhookUrl: webUrlSchema.nullable().optional(),
  webhookChannels: z.array(channelIdSchema, {
    error: "webhookChannels must be a list of channel ids",
  }).max(
    MAX_HOOK_CHANNELS,
    `webhookChannels may name at most ${MAX_HOOK_CHANNELS} channels`,
  ).optional(),
}, bodyError).refine(
  (body) => body.webhookUrl !== undefined || body.webhookChannels !== undefined,
  "Send a webhookUrl, webhookChannels, or both",
);

/** A parsed `PATCH /bots/{id}` body. */
export type ChangeBotBody = z.output<typeof changeBotBody>;

/** The body of `POST /channels/{id}/webhooks`. */
export const createWebhookBody = z.object(
  { name: webhookNameSchema },
  bodyError,
);

/**
 * The body of `POST /hooks/{id}/{secret}`: Hearth's `{content, username?,
 * avatarUrl?}`, or Slack's `{text}` (content wins when both are sent).
 */
export const webhookPostBody = z.object({
  content: contentSchema.optional(),
  text: contentSchema.optional(),
  username: displayNameSchema.optional(),
  avatarUrl: webUrlSchema.refine(
    (value) => value.startsWith("https://"),
    "avatarUrl must be an https URL",
  ).optional(),
}, bodyError).refine(
  (body) => body.content !== undefined || body.text !== undefined,
  "Send the message as content (or Slack's text)",
);

/** A parsed `POST /hooks/{id}/{secret}` body. */
export type WebhookPostBody = z.output<typeof webhookPostBody>;

/** The query of `GET /bots/{id}/deliveries`. */
export const deliveriesQuery = z.object({ limit: pageLimitSchema.optional() });

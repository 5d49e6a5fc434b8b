/**
 * Use cases of bot accounts, all for admins: create a bot (its token shown
 * once), list them, set the outgoing webhook, rotate the token, delete the
 * bot. A rotation or deletion ends the old token's sessions on every
 * instance at once, as a sign-out does, so its sockets close.
 */
import {
  botSessionId,
  formatBotToken,
  hashSecret,
  newSecret,
} from "../auth/bot_token.ts";
import {
  botNotFound,
  type BotRecord,
  createBot,
  getBot,
  listBots,
  replaceBotToken,
  setBotWebhook,
  type StoredBot,
} from "../db/bots.ts";
import { type DeliveryRecord, listDeliveries } from "../db/deliveries.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { refuseUrl } from "../net/safe_request.ts";
import type { ChangeBotBody } from "../shared/integrations.ts";
import type { Services } from "../services.ts";
import type { Admin } from "./standing.ts";

/** A bot as admins see it: its account, its maker, and its webhook (never the secret). */
export interface BotView extends User {
  createdBy: string;
  deleted: boolean;
  webhook: { url: string; channelIds: string[] } | null;
}

/** A bot with a token that is shown this once. */
export interface BotWithToken {
  bot: BotView;
  token: string;
}

/** Creates a bot and its first token (409 `username_taken`). */
export async function createBotAccount(
  admin: Admin,
  body: { username: string; displayName?: string },
): Promise<BotWithToken> {
  const secret = newSecret();
  const bot = await createBot(admin.services.kv, {
    ...body,
    createdBy: admin.user.id,
    tokenHash: await hashSecret(secret),
  });
  return { bot: viewOf(bot), token: formatBotToken(bot.user.id, secret) };
}

/** Every bot, deleted ones included. */
export async function allBots(admin: Admin): Promise<BotView[]> {
  return (await listBots(admin.services.kv)).map(viewOf);
}

/**
 * Gives the bot a new token; the old one stops working and its sockets close.
 * 404 `bot_not_found` for an unknown or deleted bot.
 */
export async function rotateBotToken(
  admin: Admin,
  botId: string,
): Promise<BotWithToken> {
  const secret = newSecret();
  const { bot, endedGeneration } = await replaceBotToken(
    admin.services.kv,
    botId,
    await hashSecret(secret),
  );
  endSessions(admin.services, botId, endedGeneration);
  return { bot: viewOf(bot), token: formatBotToken(botId, secret) };
}

/**
 * Deletes the bot: its token stops working, its sockets close and its
 * webhook is dropped; the account stays, so its messages keep their author.
 */
export async function deleteBot(admin: Admin, botId: string): Promise<void> {
  const { endedGeneration } = await replaceBotToken(
    admin.services.kv,
    botId,
    null,
    (record): BotRecord => ({
      ...record,
      webhook: null,
      deletedAt: new Date().toISOString(),
    }),
  );
  endSessions(admin.services, botId, endedGeneration);
  admin.services.hub.announce({ type: "bots" });
}

/**
 * Sets, changes or turns off the bot's outgoing webhook. A new URL gets a
 * new signing secret, returned this once as `webhookSecret`. 422
 * `webhook_url_refused` for a URL that could never be sent to.
 */
export async function changeBotWebhook(
  admin: Admin,
  botId: string,
  body: ChangeBotBody,
): Promise<BotView & { webhookSecret?: string }> {
  const { services } = admin;
  if (typeof body.webhookUrl === "string") {
    const refusal = refuseUrl(body.webhookUrl, {
      allowPrivate: services.config.webhookAllowPrivate,
    });
    if (refusal !== null) {
      throw new ApiError(
        422,
        "webhook_url_refused",
        `Webhook URL refused: ${refusal}` +
          (services.config.webhookAllowPrivate
            ? ""
            : " (only public https targets, unless --webhook-allow-private)"),
      );
    }
  }
  let secret: string | undefined;
  const bot = await setBotWebhook(services.kv, botId, (current) => {
    const url = body.webhookUrl === undefined ? current?.url : body.webhookUrl;
    if (!url) return null;
    if (current === null || current.url !== url) secret = newSecret();
    return {
      url,
      secret: secret ?? current!.secret,
      channelIds: body.webhookChannels ?? current?.channelIds ?? [],
    };
  });
  // Every instance's list of hooked bots is read again (`_hooked_bots_cache.ts`).
  services.hub.announce({ type: "bots" });
  return { ...viewOf(bot), ...(secret ? { webhookSecret: secret } : {}) };
}

/** The bot's latest outgoing deliveries, newest first; 404 `bot_not_found`. */
export async function botDeliveries(
  admin: Admin,
  botId: string,
  limit: number,
): Promise<DeliveryRecord[]> {
  if (await getBot(admin.services.kv, botId) === null) {
    throw botNotFound(botId);
  }
  return await listDeliveries(admin.services.kv, botId, limit);
}

// Closes the sockets of a token generation that stopped working, on every instance.
function endSessions(
  services: Services,
  botId: string,
  generation: number,
): void {
  services.hub.announce({
    type: "revoked",
    jti: botSessionId(botId, generation),
  });
}

function viewOf({ user, record }: StoredBot): BotView {
  return {
    ...user,
    createdBy: record.createdBy,
    deleted: record.deletedAt !== undefined,
    webhook: record.webhook === null
      ? null
      : { url: record.webhook.url, channelIds: record.webhook.channelIds },
  };
}

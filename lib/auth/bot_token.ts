/**
 * Bots' API tokens: `hbot_<bot id>_<secret>`, opaque to the bot. Only a
 * SHA-256 of the secret is stored (a stolen database yields no token), and
 * the hash is compared in constant time. The id in front lets one read find
 * the bot; each rotation bumps a generation, which names the token's
 * sessions (`bot:<id>:<generation>`) so its sockets can be closed at once.
 */
import { timingSafeEqual } from "node:crypto";

const PREFIX = "hbot_";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A bot token split into the bot it names and its secret. */
export interface BotTokenParts {
  botId: string;
  secret: string;
}

/** Whether `token` has the shape of a bot token (not whether it is valid). */
export function isBotToken(token: string): boolean {
  return token.startsWith(PREFIX);
}

/** A new random secret: 32 bytes, base64url. */
export function newSecret(): string {
  return crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/** The token a bot is given for `secret`. */
export function formatBotToken(botId: string, secret: string): string {
  return `${PREFIX}${botId}_${secret}`;
}

/** The bot and secret of a well-formed token, or null. */
export function parseBotToken(token: string): BotTokenParts | null {
  if (!isBotToken(token) || token.length !== PREFIX.length + 36 + 1 + 43) {
    return null;
  }
  const botId = token.slice(PREFIX.length, PREFIX.length + 36);
  const secret = token.slice(PREFIX.length + 37);
  if (token[PREFIX.length + 36] !== "_") return null;
  return UUID.test(botId) && SECRET.test(secret) ? { botId, secret } : null;
}

/** The stored form of a secret: SHA-256, base64url. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(secret),
  );
  return new Uint8Array(digest).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export async function secretMatches(
  secret: string,
  storedHash: string,
): Promise<boolean> {
  const given = new TextEncoder().encode(await hashSecret(secret));
  const stored = new TextEncoder().encode(storedHash);
  // Lengths differ only for a damaged record; comparing against itself keeps the time.
  return given.length === stored.length
    ? timingSafeEqual(given, stored)
    : !timingSafeEqual(given, given);
}

/** The session id of a bot's token generation: revoking it closes that token's sockets. */
export function botSessionId(botId: string, generation: number): string {
  return `bot:${botId}:${generation}`;
}

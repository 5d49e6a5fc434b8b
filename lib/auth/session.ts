import type { Context } from "fresh";
import { keepMembership } from "../db/channels.ts";
import { readTokenStanding } from "../db/sessions.ts";
import { getUserRecord, toPublicUser, type User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { readCookie } from "../http/cookies.ts";
import { isSameSiteRequest } from "../http/origin.ts";
import type { Services } from "../services.ts";
import {
  botSessionId,
  isBotToken,
  parseBotToken,
  secretMatches,
} from "./bot_token.ts";
import { isRevoked } from "./revocations.ts";
import { standingMemoryOf, type StandingNeed } from "./standing_memory.ts";
import { verifyTokenCached } from "./verified_tokens.ts";

/** The cookie that carries the token for the browser UI. */
export const TOKEN_COOKIE = "hearth_token";

/** Who is asking, and with which token. */
export interface Session {
  user: User;
  jti: string;
  /** Token expiry, seconds since the epoch. */
  exp: number;
  /** Where the token came from; cookie-only requests get a cross-site check. */
  via: "bearer" | "cookie" | "query";
}

interface SessionState {
  services: Services;
  session?: Session | null;
}

// A bot's token does not expire; its sockets are closed when it is rotated or deleted.
const BOT_TOKEN_EXP = 2 ** 31 - 1;

/**
 * Checks a token fully: signature, algorithm, expiry, revocation, and that
 * its user exists. A bot's token (`hbot_...`) is checked against its bot's
 * stored hash instead; every other path is the same for bots and people.
 * With `channelId` (a request to that channel's routes), the user's
 * membership of it is read in the same KV read and kept for the request's
 * standing check (see `getMembership`), which still judges it. With
 * `remembered` too, a standing that passed a moment ago is taken from
 * memory (see `standing_memory.ts`: exact on this instance, bounded across
 * instances, and for `standing` without the history stamp once a message
 * moved it); only routes that use nothing of the user record but its id,
 * names, role, bot mark and ban may ask for that.
 */
export async function authenticateToken(
  services: Services,
  token: string,
  channelId?: string,
  remembered?: StandingNeed,
): Promise<Omit<Session, "via"> | null> {
  if (isBotToken(token)) return await authenticateBot(services, token);
  const claims = await verifyTokenCached(services.signingKey, token);
  if (!claims) return null;
  // Revocation and the user record (which carries the ban) in one KV read,
  // on every request, or from a memory that every sign-out, ban and leave
  // here clears at once: either way they take effect on the next request.
  const { revoked, record, membership } =
    remembered !== undefined && channelId !== undefined
      ? await standingMemoryOf(services).read(
        claims.sub,
        claims.jti,
        channelId,
        remembered,
      )
      : await readTokenStanding(services.kv, claims.sub, claims.jti, channelId);
  if (revoked || !record || record.ban) return null;
  const user = toPublicUser(record);
  if (channelId !== undefined && membership !== undefined) {
    keepMembership(user, channelId, record.id, membership);
  }
  return { user, jti: claims.jti, exp: claims.exp };
}

// A bot's token, checked against the hash on its bot's record.
async function authenticateBot(
  services: Services,
  token: string,
): Promise<Omit<Session, "via"> | null> {
  const parts = parseBotToken(token);
  if (!parts) return null;
  const record = await getUserRecord(services.kv, parts.botId);
  const hash = record?.bot?.tokenHash;
  if (!record || !record.bot || !hash || record.ban) return null;
  if (!await secretMatches(parts.secret, hash)) return null;
  const jti = botSessionId(record.id, record.bot.generation);
  // A bot that signed out has revoked this generation until it is rotated.
  if (await isRevoked(services.kv, jti)) return null;
  return { user: toPublicUser(record), jti, exp: BOT_TOKEN_EXP };
}

/**
 * The token a request carries: `Authorization: Bearer <jwt>` or
 * `Authorization: Bot <bot token>` first, then the cookie. A scheme with the
 * other kind of token carries none.
 */
export function tokenFromRequest(
  req: Request,
): { token: string; via: "bearer" | "cookie" } | null {
  const auth = req.headers.get("authorization");
  if (auth) {
    const match = auth.match(/^(Bearer|Bot)\s+(\S+)\s*$/i);
    if (!match) return null;
    const bot = match[1].toLowerCase() === "bot";
    return bot === isBotToken(match[2])
      ? { token: match[2], via: "bearer" }
      : null;
  }
  const cookie = readCookie(req.headers.get("cookie"), TOKEN_COOKIE);
  return cookie ? { token: cookie, via: "cookie" } : null;
}

/**
 * Finds who is asking (or nobody) and refuses cross-site writes that lean on
 * the cookie. `channelId` names the channel whose routes were asked for, so
 * the caller's membership of it is read with the token (see
 * {@linkcode authenticateToken}, which also says what `remembered` means).
 */
export async function loadSession<S extends SessionState>(
  ctx: Context<S>,
  channelId?: string,
  remembered?: StandingNeed,
): Promise<void> {
  const found = tokenFromRequest(ctx.req);
  ctx.state.session = null;
  if (!found) return;
  const checked = await authenticateToken(
    ctx.state.services,
    found.token,
    channelId,
    remembered,
  );
  if (!checked) return;
  if (found.via === "cookie" && !SAFE_METHODS.has(ctx.req.method)) {
    if (
      !isSameSiteRequest(
        ctx.req,
        ctx.state.services.config.origins,
        ctx.state.services.config.trustProxy,
      )
    ) {
      throw new ApiError(
        403,
        "cross_site",
        "Cross-site requests may not use the session cookie",
      );
    }
  }
  ctx.state.session = { ...checked, via: found.via };
}

/** The session of a signed-in user, or a 401. */
export function requireSession<S extends SessionState>(
  ctx: Context<S>,
): Session {
  const session = ctx.state.session;
  if (!session) {
    throw new ApiError(
      401,
      "unauthorized",
      "Sign in first: the token is missing, invalid or expired",
      {
        "www-authenticate": 'Bearer realm="hearth"',
      },
    );
  }
  return session;
}

/** The signed-in user, or a 401. */
export function requireUser<S extends SessionState>(ctx: Context<S>): User {
  return requireSession(ctx).user;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A Set-Cookie value carrying the token; `Secure` when the request came over HTTPS. */
export function sessionCookie(
  token: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  return [
    `${TOKEN_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** A Set-Cookie value that removes the token cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}

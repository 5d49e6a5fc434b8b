import { loadSession } from "../lib/auth/session.ts";
import type { StandingNeed } from "../lib/auth/standing_memory.ts";
import { markSignedIn } from "../lib/http/envelope.ts";
import { define } from "../utils.ts";

/**
 * Puts who is asking on `ctx.state.session`; static files and unknown paths
 * skip the lookup, and so do incoming webhooks, whose URL's secret is their
 * only credential (a cookie sent along is never read). On a channel's routes
 * the caller's membership of it is read with the token, in one KV read,
 * which a page of history or a post may take from memory (see
 * `standing_memory.ts`).
 */
const session = define.middleware(async function session(ctx) {
  if (ctx.route !== null && !ctx.route.startsWith("/hooks/")) {
    await loadSession(
      ctx,
      channelOfRoute(ctx.route, ctx.params),
      ctx.route === HISTORY_ROUTE ? REMEMBERED.get(ctx.req.method) : undefined,
    );
  }
  if (ctx.state.session) markSignedIn(ctx.req);
  return await ctx.next();
});

// The routes under /channels/{id}/ and the channel's socket check the
// caller's standing in that channel.
function channelOfRoute(
  route: string,
  params: Record<string, string>,
): string | undefined {
  return route.startsWith(CHANNEL_ROUTES) || route === CHANNEL_SOCKET
    ? params.id
    : undefined;
}

const CHANNEL_ROUTES = "/channels/:id";
const CHANNEL_SOCKET = "/ws/channels/:id";

// Reading history and posting use nothing of the user record but its id,
// names, role, bot mark and ban, each of which a change announces at once
// (see `standing_memory.ts`), so their standing may come from memory; a page
// needs the current history stamp with it, a post does not. Every other
// route reads it afresh.
const HISTORY_ROUTE = "/channels/:id/messages";
const REMEMBERED = new Map<string, StandingNeed>([
  ["GET", "history"],
  ["HEAD", "history"],
  ["POST", "standing"],
]);

export const handler = [session];

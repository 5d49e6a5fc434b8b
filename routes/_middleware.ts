import { loadSession } from "../lib/auth/session.ts";
import { markSignedIn } from "../lib/http/envelope.ts";
import { define } from "../utils.ts";

/**
 * Puts who is asking on `ctx.state.session`; static files and unknown paths
 * skip the lookup, and so do incoming webhooks, whose URL's secret is their
 * only credential (a cookie sent along is never read). On a channel's routes
 * the caller's membership of it is read with the token, in one KV read.
 */
const session = define.middleware(async function session(ctx) {
  if (ctx.route !== null && !ctx.route.startsWith("/hooks/")) {
    await loadSession(ctx, channelOfRoute(ctx.route, ctx.params));
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

export const handler = [session];

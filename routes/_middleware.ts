import { loadSession } from "../lib/auth/session.ts";
import { markSignedIn } from "../lib/http/envelope.ts";
import { define } from "../utils.ts";

/**
 * Puts who is asking on `ctx.state.session`; static files and unknown paths
 * skip the lookup, and so do incoming webhooks, whose URL's secret is their
 * only credential (a cookie sent along is never read).
 */
const session = define.middleware(async function session(ctx) {
  if (ctx.route !== null && !ctx.route.startsWith("/hooks/")) {
    await loadSession(ctx);
  }
  if (ctx.state.session) markSignedIn(ctx.req);
  return await ctx.next();
});

export const handler = [session];

import { loadSession } from "../lib/auth/session.ts";
import { withSecurityHeaders } from "../lib/http/security_headers.ts";
import { define } from "../utils.ts";

/** Every response carries the security headers and the request id. */
const securityHeaders = define.middleware(async function securityHeaders(ctx) {
  const response = withSecurityHeaders(await ctx.next());
  if (response.status !== 101) {
    response.headers.set("x-request-id", ctx.state.requestId);
  }
  return response;
});

/** Puts who is asking on `ctx.state.session`; static files and unknown paths skip the lookup. */
const session = define.middleware(async function session(ctx) {
  if (ctx.route !== null) await loadSession(ctx);
  return await ctx.next();
});

export const handler = [securityHeaders, session];

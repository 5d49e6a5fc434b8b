import { withSecurityHeaders } from "../lib/http/security_headers.ts";
import { define } from "../utils.ts";

/** Every response carries the security headers and the request id. */
export const handler = define.middleware(async function securityHeaders(ctx) {
  const response = withSecurityHeaders(await ctx.next());
  if (response.status !== 101) {
    response.headers.set("x-request-id", ctx.state.requestId);
  }
  return response;
});

import { signOut } from "../../lib/auth/accounts.ts";
import {
  clearedSessionCookie,
  requireSession,
} from "../../lib/auth/session.ts";
import { clearedLastChannelCookie } from "../../lib/http/cookies.ts";
import { isHttps } from "../../lib/http/origin.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    await signOut(ctx.state.services, requireSession(ctx));
    // Every cookie Hearth sets goes, so the next person at this browser starts clean.
    const secure = isHttps(ctx.req, ctx.state.services.config.trustProxy);
    const headers = new Headers();
    headers.append("set-cookie", clearedSessionCookie(secure));
    headers.append("set-cookie", clearedLastChannelCookie(secure));
    return new Response(null, { status: 204, headers });
  },
});

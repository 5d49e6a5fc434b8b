import { signOut } from "../../lib/auth/accounts.ts";
import {
  clearedSessionCookie,
  requireSession,
} from "../../lib/auth/session.ts";
import { isHttps } from "../../lib/http/origin.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    await signOut(ctx.state.services, requireSession(ctx));
    return new Response(null, {
      status: 204,
      headers: { "set-cookie": clearedSessionCookie(isHttps(ctx.req)) },
    });
  },
});

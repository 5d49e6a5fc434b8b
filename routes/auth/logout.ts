import { signOut } from "../../lib/auth/accounts.ts";
import {
  clearedSessionCookie,
  requireSession,
} from "../../lib/auth/session.ts";
import { closeSocketsOfToken } from "../../lib/chat_socket.ts";
import { isHttps } from "../../lib/http/origin.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const session = requireSession(ctx);
    await signOut(ctx.state.services, session);
    // Sockets opened with this token would otherwise outlive it.
    closeSocketsOfToken(ctx.state.services, session.jti);
    return new Response(null, {
      status: 204,
      headers: { "set-cookie": clearedSessionCookie(isHttps(ctx.req)) },
    });
  },
});

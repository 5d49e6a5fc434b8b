import { signIn } from "../../lib/auth/accounts.ts";
import { readLoginBody } from "../../lib/auth/login_body.ts";
import { sessionCookie } from "../../lib/auth/session.ts";
import { isHttps } from "../../lib/http/origin.ts";
import { clientAddress } from "../../lib/http/client_address.ts";
import { refuseCrossSiteSignIn } from "../../lib/auth/cross_site.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { origins, trustProxy } = ctx.state.services.config;
    refuseCrossSiteSignIn(ctx.req, origins, trustProxy);
    const body = await readLoginBody(ctx.req);
    const { token, expiresIn, user, mustChangePassword } = await signIn(
      ctx.state.services,
      body,
      clientAddress(
        ctx.req,
        ctx.info.remoteAddr.hostname,
        trustProxy,
      ),
    );
    return Response.json(
      {
        access_token: token,
        token_type: "bearer",
        expires_in: expiresIn,
        user,
        mustChangePassword,
      },
      {
        headers: {
          "set-cookie": sessionCookie(
            token,
            expiresIn,
            isHttps(ctx.req, trustProxy),
          ),
          "cache-control": "no-store",
        },
      },
    );
  },
});

import { registerAccount } from "../../lib/auth/accounts.ts";
import { readJson } from "../../lib/http/body.ts";
import { clientAddress } from "../../lib/http/client_address.ts";
import { registerBody } from "../../lib/shared/requests.ts";
import { refuseCrossSiteSignIn } from "../../lib/auth/cross_site.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { origins, trustProxy } = ctx.state.services.config;
    refuseCrossSiteSignIn(ctx.req, origins, trustProxy);
    const body = await readJson(ctx.req, registerBody);
    const user = await registerAccount(
      ctx.state.services,
      body,
      clientAddress(
        ctx.req,
        ctx.info.remoteAddr.hostname,
        ctx.state.services.config.trustProxy,
      ),
    );
    return Response.json(user, { status: 201 });
  },
});

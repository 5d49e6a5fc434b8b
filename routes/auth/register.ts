import { registerAccount } from "../../lib/auth/accounts.ts";
import { registerSchema } from "../../lib/auth/schemas.ts";
import { readJson } from "../../lib/http/body.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const body = await readJson(ctx.req, registerSchema);
    const user = await registerAccount(
      ctx.state.services,
      body,
      ctx.info.remoteAddr.hostname,
    );
    return Response.json(user, { status: 201 });
  },
});

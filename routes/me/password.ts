import { changePassword } from "../../lib/auth/accounts.ts";
import { requireSession } from "../../lib/auth/session.ts";
import { readJson } from "../../lib/http/body.ts";
import { passwordChangeBody } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const session = requireSession(ctx);
    const body = await readJson(ctx.req, passwordChangeBody);
    await changePassword(ctx.state.services, session, body);
    return new Response(null, { status: 204 });
  },
});

import { endOtherSessions } from "../../lib/auth/accounts.ts";
import { requireSession } from "../../lib/auth/session.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async DELETE(ctx) {
    await endOtherSessions(ctx.state.services, requireSession(ctx));
    return new Response(null, { status: 204 });
  },
});

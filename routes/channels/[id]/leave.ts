import { requireUser } from "../../../lib/auth/session.ts";
import { leave } from "../../../lib/chat/membership.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    await leave(ctx.state.services, requireUser(ctx), ctx.params.id);
    return new Response(null, { status: 204 });
  },
});

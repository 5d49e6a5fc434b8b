import { requireUser } from "../../../lib/auth/session.ts";
import { join } from "../../../lib/chat/membership.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    return Response.json(await join(ctx.state.services, user, ctx.params.id));
  },
});

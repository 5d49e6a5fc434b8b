import { requireUser } from "../../../lib/auth/session.ts";
import { acceptInvite } from "../../../lib/chat/invites.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    return Response.json(
      await acceptInvite(ctx.state.services, user, ctx.params.code),
    );
  },
});

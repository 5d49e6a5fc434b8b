import { requireUser } from "../../../lib/auth/session.ts";
import { leaveAndAnnounce } from "../../../lib/chat.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    await leaveAndAnnounce(ctx.state.services, ctx.params.id, user);
    return new Response(null, { status: 204 });
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { leaveChannel } from "../../../lib/db/members.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    await leaveChannel(ctx.state.services.kv, ctx.params.id, user.id);
    return new Response(null, { status: 204 });
  },
});

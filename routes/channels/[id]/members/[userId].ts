import { requireUser } from "../../../../lib/auth/session.ts";
import { removeFromChannel } from "../../../../lib/chat/channel_admin.ts";
import { define } from "../../../../utils.ts";

export const handler = define.handlers({
  async DELETE(ctx) {
    const user = requireUser(ctx);
    const { id, userId } = ctx.params;
    await removeFromChannel(ctx.state.services, user, id, userId);
    return new Response(null, { status: 204 });
  },
});

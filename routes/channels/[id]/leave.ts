import { requireUser } from "../../../lib/auth/session.ts";
import { leave } from "../../../lib/chat/membership.ts";
import { ChannelLeaver } from "../../../lib/chat/standing.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    await leave(
      await ChannelLeaver.check(ctx.state.services, ctx.params.id, user),
    );
    return new Response(null, { status: 204 });
  },
});

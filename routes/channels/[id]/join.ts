import { requireUser } from "../../../lib/auth/session.ts";
import { joinChannel } from "../../../lib/db/members.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    return Response.json(
      await joinChannel(ctx.state.services.kv, ctx.params.id, user.id),
    );
  },
});

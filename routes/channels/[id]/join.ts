import { requireUser } from "../../../lib/auth/session.ts";
import { joinAndAnnounce } from "../../../lib/chat.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    return Response.json(
      await joinAndAnnounce(ctx.state.services, ctx.params.id, user),
    );
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { join } from "../../../lib/chat/membership.ts";
import { channelJoiner } from "../../../lib/chat/standing.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { services } = ctx.state;
    const joiner = await channelJoiner(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    return Response.json(await join(joiner));
  },
});

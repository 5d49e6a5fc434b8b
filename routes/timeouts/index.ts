import { requireUser } from "../../lib/auth/session.ts";
import { timeoutsInForce } from "../../lib/chat/moderation.ts";
import { Moderator } from "../../lib/chat/standing.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const moderator = Moderator.check(ctx.state.services, requireUser(ctx));
    return Response.json(await timeoutsInForce(moderator));
  },
});

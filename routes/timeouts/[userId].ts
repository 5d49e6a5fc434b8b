import { requireUser } from "../../lib/auth/session.ts";
import { liftTimeoutOf, timeOutPerson } from "../../lib/chat/moderation.ts";
import { Moderator } from "../../lib/chat/standing.ts";
import { readJson } from "../../lib/http/body.ts";
import { timeoutBody } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const moderator = Moderator.check(ctx.state.services, requireUser(ctx));
    const { seconds, reason } = await readJson(ctx.req, timeoutBody);
    return Response.json(
      await timeOutPerson(moderator, ctx.params.userId, seconds, reason),
    );
  },
  async DELETE(ctx) {
    const moderator = Moderator.check(ctx.state.services, requireUser(ctx));
    await liftTimeoutOf(moderator, ctx.params.userId);
    return new Response(null, { status: 204 });
  },
});

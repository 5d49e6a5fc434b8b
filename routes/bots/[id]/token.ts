import { requireUser } from "../../../lib/auth/session.ts";
import { rotateBotToken } from "../../../lib/chat/bots.ts";
import { Admin } from "../../../lib/chat/standing.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    return Response.json(await rotateBotToken(admin, ctx.params.id));
  },
});

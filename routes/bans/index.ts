import { requireUser } from "../../lib/auth/session.ts";
import { bansInForce } from "../../lib/chat/moderation.ts";
import { Admin } from "../../lib/chat/standing.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    return Response.json(await bansInForce(admin));
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { botDeliveries } from "../../../lib/chat/bots.ts";
import { Admin } from "../../../lib/chat/standing.ts";
import { readQuery } from "../../../lib/http/body.ts";
import { deliveriesQuery } from "../../../lib/shared/integrations.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const { limit } = readQuery(ctx.url, deliveriesQuery);
    return Response.json(
      await botDeliveries(admin, ctx.params.id, limit ?? 50),
    );
  },
});

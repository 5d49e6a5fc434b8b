import { requireUser } from "../../lib/auth/session.ts";
import { changeBotWebhook, deleteBot } from "../../lib/chat/bots.ts";
import { Admin } from "../../lib/chat/standing.ts";
import { readJson } from "../../lib/http/body.ts";
import { changeBotBody } from "../../lib/shared/integrations.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PATCH(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const body = await readJson(ctx.req, changeBotBody);
    return Response.json(await changeBotWebhook(admin, ctx.params.id, body));
  },
  async DELETE(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    await deleteBot(admin, ctx.params.id);
    return new Response(null, { status: 204 });
  },
});

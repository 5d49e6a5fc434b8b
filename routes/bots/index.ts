import { requireUser } from "../../lib/auth/session.ts";
import { allBots, createBotAccount } from "../../lib/chat/bots.ts";
import { Admin } from "../../lib/chat/standing.ts";
import { readJson } from "../../lib/http/body.ts";
import { createBotBody } from "../../lib/shared/integrations.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    return Response.json(await allBots(admin));
  },
  async POST(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const body = await readJson(ctx.req, createBotBody);
    return Response.json(await createBotAccount(admin, body), { status: 201 });
  },
});

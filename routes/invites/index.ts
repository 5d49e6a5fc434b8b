import { requireUser } from "../../lib/auth/session.ts";
import { listInvitesOf, makeInvite } from "../../lib/chat/invites.ts";
import { readJson } from "../../lib/http/body.ts";
import { publicOrigin } from "../../lib/http/origin.ts";
import { createInviteBody } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx);
    const { services } = ctx.state;
    const origin = publicOrigin(ctx.req, services.config.trustProxy);
    return Response.json(await listInvitesOf(services, user, origin));
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const body = await readJson(ctx.req, createInviteBody);
    const { services } = ctx.state;
    const origin = publicOrigin(ctx.req, services.config.trustProxy);
    const invite = await makeInvite(services, user, body, origin);
    return Response.json(invite, { status: 201 });
  },
});

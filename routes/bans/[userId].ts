import { requireUser } from "../../lib/auth/session.ts";
import { banPerson, unbanPerson } from "../../lib/chat/moderation.ts";
import { Admin } from "../../lib/chat/standing.ts";
import { readJson } from "../../lib/http/body.ts";
import { banBody } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const { reason, deleteMessagesSeconds } = await readJson(ctx.req, banBody);
    return Response.json(
      await banPerson(admin, ctx.params.userId, reason, deleteMessagesSeconds),
    );
  },
  async DELETE(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    await unbanPerson(admin, ctx.params.userId);
    return new Response(null, { status: 204 });
  },
});

import { requireUser } from "../../lib/auth/session.ts";
import { assignRole } from "../../lib/chat/roles.ts";
import { Admin } from "../../lib/chat/standing.ts";
import { readJson } from "../../lib/http/body.ts";
import { roleBody } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PATCH(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const { role } = await readJson(ctx.req, roleBody);
    return Response.json(await assignRole(admin, ctx.params.id, role));
  },
});

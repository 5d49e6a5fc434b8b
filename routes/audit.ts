import { requireUser } from "../lib/auth/session.ts";
import { readAudit } from "../lib/chat/audit.ts";
import { Admin } from "../lib/chat/standing.ts";
import { readQuery } from "../lib/http/body.ts";
import { DEFAULT_PAGE_SIZE } from "../lib/shared/limits.ts";
import { auditQuery } from "../lib/shared/requests.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const admin = Admin.check(ctx.state.services, requireUser(ctx));
    const { before, limit, ...filter } = readQuery(ctx.url, auditQuery);
    return Response.json(
      await readAudit(admin, limit ?? DEFAULT_PAGE_SIZE, before, filter),
    );
  },
});

import { requireUser } from "../../lib/auth/session.ts";
import { settleReport } from "../../lib/chat/reports.ts";
import { Moderator } from "../../lib/chat/standing.ts";
import { readJson } from "../../lib/http/body.ts";
import { closeReportBody } from "../../lib/shared/admin_requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async DELETE(ctx) {
    const moderator = Moderator.check(ctx.state.services, requireUser(ctx));
    // The body is optional: a DELETE without one closes the report with no note.
    const options = ctx.req.headers.has("content-type")
      ? await readJson(ctx.req, closeReportBody)
      : {};
    await settleReport(moderator, ctx.params.id, options);
    return new Response(null, { status: 204 });
  },
});

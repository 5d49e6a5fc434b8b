import { requireUser } from "../../lib/auth/session.ts";
import { reportQueue } from "../../lib/chat/reports.ts";
import { Moderator } from "../../lib/chat/standing.ts";
import { readQuery } from "../../lib/http/body.ts";
import { reportsQuery } from "../../lib/shared/admin_requests.ts";
import { DEFAULT_PAGE_SIZE } from "../../lib/shared/limits.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const moderator = Moderator.check(ctx.state.services, requireUser(ctx));
    const { before, limit } = readQuery(ctx.url, reportsQuery);
    return Response.json(
      await reportQueue(moderator, limit ?? DEFAULT_PAGE_SIZE, before),
    );
  },
});

import { requireUser } from "../../../../../lib/auth/session.ts";
import { reportMessage } from "../../../../../lib/chat/reports.ts";
import { channelMember } from "../../../../../lib/chat/standing.ts";
import { readJson } from "../../../../../lib/http/body.ts";
import { reportBody } from "../../../../../lib/shared/admin_requests.ts";
import { messagePath } from "../../../../../lib/shared/requests.ts";
import { validate } from "../../../../../lib/validation.ts";
import { define } from "../../../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const member = await channelMember(
      ctx.state.services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { seq } = validate(ctx.params, messagePath);
    const { reason } = await readJson(ctx.req, reportBody);
    return Response.json(await reportMessage(member, seq, reason), {
      status: 201,
    });
  },
});

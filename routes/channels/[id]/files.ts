import { requireUser } from "../../../lib/auth/session.ts";
import { shareFile } from "../../../lib/chat/files.ts";
import { channelMember } from "../../../lib/chat/standing.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { message, created } = await shareFile(member, ctx.req);
    return Response.json(message, { status: created ? 201 : 200 });
  },
});

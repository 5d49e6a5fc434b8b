import { requireUser } from "../../../lib/auth/session.ts";
import { requireMember } from "../../../lib/db/channels.ts";
import { shareFile } from "../../../lib/uploads.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    await requireMember(ctx.state.services.kv, ctx.params.id, user.id);
    const { message, created } = await shareFile(
      ctx.state.services,
      user,
      ctx.params.id,
      ctx.req,
    );
    return Response.json(message, { status: created ? 201 : 200 });
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { addAndAnnounce, membersWithPresence } from "../../../lib/chat.ts";
import { requireMember } from "../../../lib/db/channels.ts";
import { addMemberSchema } from "../../../lib/db/schemas.ts";
import { readJson } from "../../../lib/http/body.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx);
    await requireMember(ctx.state.services.kv, ctx.params.id, user.id);
    return Response.json(
      await membersWithPresence(ctx.state.services, ctx.params.id),
    );
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const { username } = await readJson(ctx.req, addMemberSchema);
    const added = await addAndAnnounce(
      ctx.state.services,
      ctx.params.id,
      user,
      username,
    );
    return Response.json(added, { status: 201 });
  },
});

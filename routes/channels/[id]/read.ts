import { requireUser } from "../../../lib/auth/session.ts";
import { markRead, requireMember } from "../../../lib/db/channels.ts";
import { readMarkerSchema } from "../../../lib/db/schemas.ts";
import { readJson } from "../../../lib/http/body.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    const kv = ctx.state.services.kv;
    await requireMember(kv, ctx.params.id, user.id);
    const { seq } = await readJson(ctx.req, readMarkerSchema);
    await markRead(kv, user.id, ctx.params.id, seq);
    return new Response(null, { status: 204 });
  },
});

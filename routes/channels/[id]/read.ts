import { requireUser } from "../../../lib/auth/session.ts";
import { markRead } from "../../../lib/chat/messages.ts";
import { channelMember } from "../../../lib/chat/standing.ts";
import { readJson } from "../../../lib/http/body.ts";
import { readMarkerBody } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { seq } = await readJson(ctx.req, readMarkerBody);
    await markRead(member, seq);
    return new Response(null, { status: 204 });
  },
});

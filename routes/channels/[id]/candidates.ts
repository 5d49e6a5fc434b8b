import { requireUser } from "../../../lib/auth/session.ts";
import { findCandidates } from "../../../lib/chat/channel_admin.ts";
import { channelOwner } from "../../../lib/chat/standing.ts";
import { readQuery } from "../../../lib/http/body.ts";
import { candidatesQuery } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx);
    const { q } = readQuery(ctx.url, candidatesQuery);
    const owner = await channelOwner(ctx.state.services, ctx.params.id, user);
    return Response.json(await findCandidates(owner, q));
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { changesSince } from "../../../lib/chat/message_changes.ts";
import { channelMember } from "../../../lib/chat/standing.ts";
import { readQuery } from "../../../lib/http/body.ts";
import { changesQuery } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const member = await channelMember(
      ctx.state.services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { since, limit } = readQuery(ctx.url, changesQuery);
    return Response.json(await changesSince(member, since, limit));
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { addPerson, pageMembers } from "../../../lib/chat/membership.ts";
import { channelMember, channelOwner } from "../../../lib/chat/standing.ts";
import { readJson, readQuery } from "../../../lib/http/body.ts";
import { DEFAULT_PAGE_SIZE } from "../../../lib/shared/limits.ts";
import { addMemberBody, membersQuery } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { cursor, limit, online, q } = readQuery(ctx.url, membersQuery);
    return Response.json(
      await pageMembers(member, {
        after: cursor,
        limit: limit ?? DEFAULT_PAGE_SIZE,
        online: online === undefined ? undefined : online === "true",
        q,
      }),
    );
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const { username } = await readJson(ctx.req, addMemberBody);
    const owner = await channelOwner(ctx.state.services, ctx.params.id, user);
    return Response.json(await addPerson(owner, username), { status: 201 });
  },
});

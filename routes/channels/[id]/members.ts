import { requireUser } from "../../../lib/auth/session.ts";
import { addPerson, listPeople } from "../../../lib/chat/membership.ts";
import { channelMember, channelOwner } from "../../../lib/chat/standing.ts";
import { readJson } from "../../../lib/http/body.ts";
import { addMemberBody } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    return Response.json(await listPeople(member));
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const { username } = await readJson(ctx.req, addMemberBody);
    const owner = await channelOwner(ctx.state.services, ctx.params.id, user);
    return Response.json(await addPerson(owner, username), { status: 201 });
  },
});

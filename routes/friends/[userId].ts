import { requireUser } from "../../lib/auth/session.ts";
import { acceptFriend, dropFriend } from "../../lib/chat/friends.ts";
import { OtherPerson } from "../../lib/chat/person.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const other = await OtherPerson.byId(
      ctx.state.services,
      requireUser(ctx),
      ctx.params.userId,
    );
    return Response.json({ state: await acceptFriend(other) });
  },
  async DELETE(ctx) {
    const other = await OtherPerson.byId(
      ctx.state.services,
      requireUser(ctx),
      ctx.params.userId,
    );
    await dropFriend(other);
    return new Response(null, { status: 204 });
  },
});

import { requireUser } from "../../lib/auth/session.ts";
import { blockPerson, unblockPerson } from "../../lib/chat/blocks.ts";
import { OtherPerson } from "../../lib/chat/person.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const other = await OtherPerson.byId(
      ctx.state.services,
      requireUser(ctx),
      ctx.params.userId,
    );
    await blockPerson(other);
    return new Response(null, { status: 204 });
  },
  async DELETE(ctx) {
    const other = await OtherPerson.byId(
      ctx.state.services,
      requireUser(ctx),
      ctx.params.userId,
    );
    await unblockPerson(other);
    return new Response(null, { status: 204 });
  },
});

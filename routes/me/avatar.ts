import { requireUser } from "../../lib/auth/session.ts";
import { clearAvatar, setAvatar } from "../../lib/chat/avatar.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const user = requireUser(ctx);
    return Response.json(
      await setAvatar(ctx.state.services, user, ctx.req),
    );
  },
  async DELETE(ctx) {
    const user = requireUser(ctx);
    return Response.json(await clearAvatar(ctx.state.services, user));
  },
});

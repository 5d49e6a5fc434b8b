import { requireUser } from "../../lib/auth/session.ts";
import { previewInvite, revokeInvite } from "../../lib/chat/invites.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  // No sign-in needed: whoever holds the code may see what it is for.
  async GET(ctx) {
    return Response.json(
      await previewInvite(ctx.state.services, ctx.params.code),
    );
  },
  async DELETE(ctx) {
    const user = requireUser(ctx);
    await revokeInvite(ctx.state.services, user, ctx.params.code);
    return new Response(null, { status: 204 });
  },
});

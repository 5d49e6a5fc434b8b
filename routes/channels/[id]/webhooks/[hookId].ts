import { requireUser } from "../../../../lib/auth/session.ts";
import { channelManager } from "../../../../lib/chat/standing.ts";
import { revokeIncomingWebhook } from "../../../../lib/chat/webhooks.ts";
import { define } from "../../../../utils.ts";

export const handler = define.handlers({
  async DELETE(ctx) {
    const manager = await channelManager(
      ctx.state.services,
      ctx.params.id,
      requireUser(ctx),
    );
    await revokeIncomingWebhook(manager, ctx.params.hookId);
    return new Response(null, { status: 204 });
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { channelManager } from "../../../lib/chat/standing.ts";
import {
  channelWebhooks,
  createIncomingWebhook,
} from "../../../lib/chat/webhooks.ts";
import { readJson } from "../../../lib/http/body.ts";
import { publicOrigin } from "../../../lib/http/origin.ts";
import { createWebhookBody } from "../../../lib/shared/integrations.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const manager = await channelManager(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    return Response.json(await channelWebhooks(manager));
  },
  async POST(ctx) {
    const { services } = ctx.state;
    const user = requireUser(ctx);
    const { name } = await readJson(ctx.req, createWebhookBody);
    const manager = await channelManager(services, ctx.params.id, user);
    const origin = publicOrigin(ctx.req, services.config.trustProxy);
    return Response.json(await createIncomingWebhook(manager, name, origin), {
      status: 201,
    });
  },
});

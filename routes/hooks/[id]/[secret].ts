import { postThroughWebhook } from "../../../lib/chat/webhooks.ts";
import { readJson } from "../../../lib/http/body.ts";
import { webhookPostBody } from "../../../lib/shared/integrations.ts";
import { define } from "../../../utils.ts";

// The URL's secret is the only credential: no cookie or token is read here.
export const handler = define.handlers({
  async POST(ctx) {
    const body = await readJson(ctx.req, webhookPostBody);
    const message = await postThroughWebhook(
      ctx.state.services,
      ctx.params.id,
      ctx.params.secret,
      body,
    );
    return Response.json(message, { status: 201 });
  },
});

import { requireUser } from "../../lib/auth/session.ts";
import { subscribe, unsubscribe } from "../../lib/chat/push.ts";
import { readJson } from "../../lib/http/body.ts";
import {
  pushSubscriptionBody,
  pushUnsubscribeBody,
} from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    const body = await readJson(ctx.req, pushSubscriptionBody);
    await subscribe(ctx.state.services, user, body);
    return new Response(null, { status: 201 });
  },
  async DELETE(ctx) {
    const user = requireUser(ctx);
    const { endpoint } = await readJson(ctx.req, pushUnsubscribeBody);
    await unsubscribe(ctx.state.services, user, endpoint);
    return new Response(null, { status: 204 });
  },
});

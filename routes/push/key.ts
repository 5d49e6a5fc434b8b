import { requireUser } from "../../lib/auth/session.ts";
import { pushKey } from "../../lib/chat/push.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    requireUser(ctx);
    return Response.json({ publicKey: await pushKey(ctx.state.services) });
  },
});

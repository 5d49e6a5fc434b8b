import { openChannelSocket } from "../../../lib/chat/sockets.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    return openChannelSocket(ctx.state.services, ctx.params.id, {
      req: ctx.req,
      session: ctx.state.session ?? null,
    });
  },
});

import { requireUser } from "../../lib/auth/session.ts";
import { listBlocked } from "../../lib/chat/blocks.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    return Response.json(
      await listBlocked(ctx.state.services, requireUser(ctx)),
    );
  },
});

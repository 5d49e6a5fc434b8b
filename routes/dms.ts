import { requireUser } from "../lib/auth/session.ts";
import { openDirectMessage } from "../lib/chat/dms.ts";
import { readJson } from "../lib/http/body.ts";
import { openDmBody } from "../lib/shared/requests.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx);
    const { usernames } = await readJson(ctx.req, openDmBody);
    const { channel, created } = await openDirectMessage(
      ctx.state.services,
      user,
      usernames,
    );
    return Response.json(channel, { status: created ? 201 : 200 });
  },
});

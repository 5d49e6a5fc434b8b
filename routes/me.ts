import { requireUser } from "../lib/auth/session.ts";
import { renameSelf } from "../lib/chat/profile.ts";
import { readJson } from "../lib/http/body.ts";
import { profileBody } from "../lib/shared/requests.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    return Response.json(requireUser(ctx));
  },
  async PATCH(ctx) {
    const user = requireUser(ctx);
    const { displayName } = await readJson(ctx.req, profileBody);
    return Response.json(
      await renameSelf(ctx.state.services, user, displayName),
    );
  },
});

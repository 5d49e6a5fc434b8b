import { requireUser } from "../lib/auth/session.ts";
import { updateProfile } from "../lib/chat/profile.ts";
import { readJson } from "../lib/http/body.ts";
import { profileBody } from "../lib/shared/requests.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    return Response.json(requireUser(ctx));
  },
  async PATCH(ctx) {
    const user = requireUser(ctx);
    const body = await readJson(ctx.req, profileBody);
    return Response.json(
      await updateProfile(ctx.state.services, user, body),
    );
  },
});

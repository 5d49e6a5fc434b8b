import { requireUser } from "../lib/auth/session.ts";
import { profileSchema } from "../lib/auth/schemas.ts";
import { updateDisplayName } from "../lib/db/users.ts";
import { readJson } from "../lib/http/body.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    return Response.json(requireUser(ctx));
  },
  async PATCH(ctx) {
    const user = requireUser(ctx);
    const { displayName } = await readJson(ctx.req, profileSchema);
    return Response.json(
      await updateDisplayName(ctx.state.services.kv, user.id, displayName),
    );
  },
});

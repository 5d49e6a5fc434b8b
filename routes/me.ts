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
    const { kv, roster } = ctx.state.services;
    const updated = await updateDisplayName(kv, user.id, displayName);
    // Member lists held for `ready` frames would show the old name for a while.
    roster.forget();
    return Response.json(updated);
  },
});

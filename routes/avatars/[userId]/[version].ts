import { requireUser } from "../../../lib/auth/session.ts";
import { avatarImage } from "../../../lib/chat/avatar.ts";
import { define } from "../../../utils.ts";

// A version's bytes never change (a new upload is a new URL), so browsers
// keep it for a year; private, as only the signed in may see it.
const CACHE = "private, max-age=31536000, immutable";

export const handler = define.handlers({
  async GET(ctx) {
    requireUser(ctx);
    const image = await avatarImage(
      ctx.state.services,
      ctx.params.userId,
      ctx.params.version,
    );
    return new Response(image.bytes, {
      headers: {
        "content-type": image.type,
        "cache-control": CACHE,
        "x-content-type-options": "nosniff",
      },
    });
  },
});

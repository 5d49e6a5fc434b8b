import { requireUser } from "../lib/auth/session.ts";
import { recentMentions } from "../lib/chat/mentions.ts";
import { readQuery } from "../lib/http/body.ts";
import { mentionsQuery } from "../lib/shared/requests.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { limit } = readQuery(ctx.url, mentionsQuery);
    return Response.json(
      await recentMentions(ctx.state.services, requireUser(ctx), limit),
    );
  },
});

import { requireUser } from "../lib/auth/session.ts";
import { searchMessages } from "../lib/chat/search.ts";
import { readQuery } from "../lib/http/body.ts";
import { searchQuery } from "../lib/shared/requests.ts";
import { define } from "../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const request = readQuery(ctx.url, searchQuery);
    return Response.json(
      await searchMessages(ctx.state.services, requireUser(ctx), request),
    );
  },
});

import { requireUser } from "../../lib/auth/session.ts";
import { listPeople } from "../../lib/chat/roles.ts";
import { Moderator } from "../../lib/chat/standing.ts";
import { readQuery } from "../../lib/http/body.ts";
import { DEFAULT_PAGE_SIZE } from "../../lib/shared/limits.ts";
import { usersQuery } from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const moderator = Moderator.check(ctx.state.services, requireUser(ctx));
    const { q, limit } = readQuery(ctx.url, usersQuery);
    return Response.json(
      await listPeople(moderator, q ?? "", limit ?? DEFAULT_PAGE_SIZE),
    );
  },
});

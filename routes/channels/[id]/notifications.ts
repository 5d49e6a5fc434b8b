import { requireUser } from "../../../lib/auth/session.ts";
import { chooseNotifications } from "../../../lib/chat/notifications.ts";
import { channelMember } from "../../../lib/chat/standing.ts";
import { readJson } from "../../../lib/http/body.ts";
import { notificationsBody } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    const body = await readJson(ctx.req, notificationsBody);
    return Response.json(await chooseNotifications(member, body));
  },
});

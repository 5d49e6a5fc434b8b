import { requireUser } from "../../../lib/auth/session.ts";
import {
  changeChannel,
  removeChannel,
} from "../../../lib/chat/channel_admin.ts";
import { channelManager } from "../../../lib/chat/standing.ts";
import { readJson } from "../../../lib/http/body.ts";
import { changeChannelBody } from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async PATCH(ctx) {
    const user = requireUser(ctx);
    const change = await readJson(ctx.req, changeChannelBody);
    const manager = await channelManager(
      ctx.state.services,
      ctx.params.id,
      user,
    );
    return Response.json(await changeChannel(manager, change));
  },
  async DELETE(ctx) {
    const user = requireUser(ctx);
    const manager = await channelManager(
      ctx.state.services,
      ctx.params.id,
      user,
    );
    await removeChannel(manager);
    return new Response(null, { status: 204 });
  },
});

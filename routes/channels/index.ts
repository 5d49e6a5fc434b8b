import { requireUser } from "../../lib/auth/session.ts";
import { listChannels, openChannel } from "../../lib/chat/channels.ts";
import { readJson, readQuery } from "../../lib/http/body.ts";
import {
  createChannelBody,
  listChannelsQuery,
} from "../../lib/shared/requests.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx);
    const { scope } = readQuery(ctx.url, listChannelsQuery);
    return Response.json(await listChannels(ctx.state.services, user, scope));
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const body = await readJson(ctx.req, createChannelBody);
    const channel = await openChannel(ctx.state.services, user, body);
    return Response.json(channel, { status: 201 });
  },
});

import { z } from "zod";
import { requireUser } from "../../lib/auth/session.ts";
import {
  createChannel,
  listAllChannels,
  listUserChannels,
} from "../../lib/db/channels.ts";
import { createChannelSchema } from "../../lib/db/schemas.ts";
import { readJson, readQuery } from "../../lib/http/body.ts";
import { define } from "../../utils.ts";

const listQuery = z.object({
  scope: z.enum(["mine", "all"], { error: 'scope must be "mine" or "all"' })
    .optional(),
});

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx);
    const { scope } = readQuery(ctx.url, listQuery);
    const kv = ctx.state.services.kv;
    const channels = scope === "all"
      ? await listAllChannels(kv, user.id)
      : await listUserChannels(kv, user.id);
    return Response.json(channels);
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    const body = await readJson(ctx.req, createChannelSchema);
    const channel = await createChannel(ctx.state.services.kv, user.id, body);
    return Response.json(channel, { status: 201 });
  },
});

import { requireUser } from "../../../lib/auth/session.ts";
import { postMessage } from "../../../lib/chat.ts";
import { requireMember } from "../../../lib/db/channels.ts";
import { listMessages } from "../../../lib/db/messages.ts";
import {
  createMessageSchema,
  listMessagesQuerySchema,
} from "../../../lib/db/schemas.ts";
import { readJson, readQuery } from "../../../lib/http/body.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx);
    const kv = ctx.state.services.kv;
    await requireMember(kv, ctx.params.id, user.id);
    const query = readQuery(ctx.url, listMessagesQuerySchema);
    return Response.json(await listMessages(kv, ctx.params.id, query));
  },
  async POST(ctx) {
    const user = requireUser(ctx);
    await requireMember(ctx.state.services.kv, ctx.params.id, user.id);
    const body = await readJson(ctx.req, createMessageSchema);
    const { message, created } = await postMessage(
      ctx.state.services,
      user,
      ctx.params.id,
      body,
    );
    // A repeated clientId answers the stored message with 200 instead of 201.
    return Response.json(message, { status: created ? 201 : 200 });
  },
});

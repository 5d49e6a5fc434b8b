import { requireUser } from "../../../lib/auth/session.ts";
import { postMessage, readHistory } from "../../../lib/chat/messages.ts";
import { channelMember } from "../../../lib/chat/standing.ts";
import { readJson, readQuery } from "../../../lib/http/body.ts";
import {
  listMessagesQuery,
  postMessageBody,
} from "../../../lib/shared/requests.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    const query = readQuery(ctx.url, listMessagesQuery);
    return Response.json(await readHistory(member, query));
  },
  async POST(ctx) {
    const { services } = ctx.state;
    const member = await channelMember(
      services,
      ctx.params.id,
      requireUser(ctx),
    );
    const body = await readJson(ctx.req, postMessageBody);
    const { message, created } = await postMessage(member, body);
    // A repeated clientId answers the stored message with 200 instead of 201.
    return Response.json(message, { status: created ? 201 : 200 });
  },
});

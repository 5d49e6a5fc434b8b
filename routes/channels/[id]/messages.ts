import { requireUser } from "../../../lib/auth/session.ts";
import { readHistoryPage } from "../../../lib/chat/history_pages.ts";
import { postMessage } from "../../../lib/chat/messages.ts";
import { channelMember } from "../../../lib/chat/standing.ts";
import { readJson, readQuery } from "../../../lib/http/body.ts";
import { knownJsonResponse } from "../../../lib/http/known_body.ts";
import { sharedJsonResponse } from "../../../lib/http/shared_body.ts";
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
    const page = await readHistoryPage(member, query);
    // Serialized and compressed once per page, however many read it.
    return sharedJsonResponse(page, page.messages);
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
    return knownJsonResponse(message, { status: created ? 201 : 200 });
  },
});

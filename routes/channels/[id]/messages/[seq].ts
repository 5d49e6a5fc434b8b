import { requireUser } from "../../../../lib/auth/session.ts";
import {
  editOwnMessage,
  removeMessage,
} from "../../../../lib/chat/message_changes.ts";
import { channelMember } from "../../../../lib/chat/standing.ts";
import { readJson } from "../../../../lib/http/body.ts";
import {
  editMessageBody,
  messagePath,
} from "../../../../lib/shared/requests.ts";
import { validate } from "../../../../lib/validation.ts";
import { define } from "../../../../utils.ts";

export const handler = define.handlers({
  async PATCH(ctx) {
    const member = await channelMember(
      ctx.state.services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { seq } = validate(ctx.params, messagePath);
    const { content } = await readJson(ctx.req, editMessageBody);
    return Response.json(await editOwnMessage(member, seq, content));
  },
  async DELETE(ctx) {
    const member = await channelMember(
      ctx.state.services,
      ctx.params.id,
      requireUser(ctx),
    );
    const { seq } = validate(ctx.params, messagePath);
    await removeMessage(member, seq);
    return new Response(null, { status: 204 });
  },
});

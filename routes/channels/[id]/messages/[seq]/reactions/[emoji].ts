import { requireUser } from "../../../../../../lib/auth/session.ts";
import { react } from "../../../../../../lib/chat/message_changes.ts";
import { channelMember } from "../../../../../../lib/chat/standing.ts";
import { reactionPath } from "../../../../../../lib/shared/requests.ts";
import { validate } from "../../../../../../lib/validation.ts";
import type { Context } from "fresh";
import { define, type State } from "../../../../../../utils.ts";

// PUT adds the caller's reaction and DELETE removes it; both are idempotent.
async function setMine(
  ctx: Context<State>,
  add: boolean,
): Promise<Response> {
  const member = await channelMember(
    ctx.state.services,
    ctx.params.id,
    requireUser(ctx),
  );
  const { seq, emoji } = validate(ctx.params, reactionPath);
  await react(member, seq, emoji, add);
  return new Response(null, { status: 204 });
}

export const handler = define.handlers({
  PUT: (ctx) => setMine(ctx, true),
  DELETE: (ctx) => setMine(ctx, false),
});

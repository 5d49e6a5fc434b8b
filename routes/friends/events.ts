import { requireSession } from "../../lib/auth/session.ts";
import { friendsEventStream } from "../../lib/chat/friends_events.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    return friendsEventStream(ctx.state.services, requireSession(ctx));
  },
});

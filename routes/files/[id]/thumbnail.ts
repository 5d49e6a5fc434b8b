import { openSharedThumbnail } from "../../../lib/chat/files.ts";
import { define } from "../../../utils.ts";

export const handler = define.handlers({
  GET(ctx) {
    return openSharedThumbnail(
      ctx.state.services,
      ctx.state.session?.user ?? null,
      ctx.params.id,
      ctx.req,
    );
  },
});

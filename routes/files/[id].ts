import { openSharedFile } from "../../lib/downloads.ts";
import { define } from "../../utils.ts";

export const handler = define.handlers({
  async GET(ctx) {
    return await openSharedFile(
      ctx.state.services,
      ctx.state.session?.user ?? null,
      ctx.params.id,
      ctx.req,
    );
  },
});

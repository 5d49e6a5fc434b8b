import { openSharedFile } from "../../lib/downloads.ts";
import { ApiError } from "../../lib/errors.ts";
import { define } from "../../utils.ts";

// File ids are UUIDs. A much longer one cannot exist, and would overflow
// KV's 2 KiB key limit (a 500) if it were looked up.
const MAX_FILE_ID_LENGTH = 64;

export const handler = define.handlers({
  async GET(ctx) {
    if (ctx.params.id.length > MAX_FILE_ID_LENGTH) {
      // The same answer as for any unknown id.
      throw new ApiError(404, "file_not_found", "File not found");
    }
    return await openSharedFile(
      ctx.state.services,
      ctx.state.session?.user ?? null,
      ctx.params.id,
      ctx.req,
    );
  },
});

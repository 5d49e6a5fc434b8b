import { checkHealth } from "../lib/chat/health.ts";
import { define } from "../utils.ts";

/** Liveness: answers once the KV store is open and readable. */
export const handler = define.handlers({
  async GET(ctx) {
    await checkHealth(ctx.state.services);
    return Response.json({ ok: true }, {
      headers: { "cache-control": "no-store" },
    });
  },
});

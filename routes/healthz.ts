import { checkHealth } from "../lib/chat/health.ts";
import { define } from "../utils.ts";

/** Liveness: answers once the KV store is open and readable (and, with workers, which one answered). */
export const handler = define.handlers({
  async GET(ctx) {
    const info = await checkHealth(ctx.state.services);
    return Response.json({ ok: true, ...info }, {
      headers: { "cache-control": "no-store" },
    });
  },
});

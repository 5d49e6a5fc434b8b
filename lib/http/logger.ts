import type { Context } from "fresh";
import { log } from "../log.ts";

/** Logs one line per request: method, path (never the query), status, milliseconds. */
export async function requestLogger<S extends { requestId: string }>(
  ctx: Context<S>,
): Promise<Response> {
  const started = performance.now();
  const response = await ctx.next();
  // Query strings are left out on purpose: WebSocket tokens travel there.
  log(response.status >= 500 ? "error" : "info", "request", {
    requestId: ctx.state.requestId,
    method: ctx.req.method,
    path: ctx.url.pathname,
    status: response.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
  return response;
}

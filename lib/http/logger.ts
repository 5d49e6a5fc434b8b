import { log } from "../log.ts";

/** Logs one line per request: method, path (never the query), status, milliseconds. */
export function logRequest(
  req: Request,
  requestId: string,
  status: number,
  started: number,
): void {
  // Query strings are left out on purpose: WebSocket tokens travel there.
  log(status >= 500 ? "error" : "info", "request", {
    requestId,
    method: req.method,
    path: new URL(req.url).pathname,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
}

/**
 * What every response carries whatever the framework does with it: the
 * security headers, an `X-Request-Id`, and a line in the request log. It
 * wraps the app's handler rather than running as a middleware, so error
 * pages, 404s, 405s and static files get them too, and a framework that
 * renders errors outside its middlewares (as Fresh 2 does) cannot drop them.
 */
import { log } from "../log.ts";
import { logRequest } from "./logger.ts";
import { withSecurityHeaders } from "./security_headers.ts";

/** A `Deno.serve` handler. */
export type Handler<Info> = (req: Request, info: Info) => Promise<Response>;

const requestIds = new WeakMap<Request, string>();

/** The id the envelope gave this request; a fresh one for a request it never saw. */
export function requestIdOf(req: Request): string {
  let id = requestIds.get(req);
  if (id === undefined) requestIds.set(req, id = crypto.randomUUID());
  return id;
}

/** Wraps `handler` so every response gets the headers and the log line. */
export function withEnvelope<Info>(handler: Handler<Info>): Handler<Info> {
  return async (req, info) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    let response: Response;
    try {
      response = await handler(req, info);
    } catch (error) {
      // Frameworks answer their own errors; this is the last line of defence.
      log("error", "unhandled error", {
        requestId,
        method: req.method,
        path: new URL(req.url).pathname,
        error: error instanceof Error
          ? (error.stack ?? error.message)
          : String(error),
      });
      response = new Response("Internal server error", {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    response = withSecurityHeaders(response);
    // A WebSocket upgrade keeps its headers as the socket handshake set them.
    if (response.status !== 101) {
      response.headers.set("x-request-id", requestId);
    }
    logRequest(req, requestId, response.status, started);
    return response;
  };
}

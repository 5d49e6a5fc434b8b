/**
 * What every response carries whatever the framework does with it: the
 * security headers, an `X-Request-Id`, and a line in the request log. It
 * wraps the app's handler rather than running as a middleware, so error
 * pages, 404s, 405s and static files get them too, and a framework that
 * renders errors outside its middlewares (as Fresh 2 does) cannot drop them.
 * For the same reason it is where a signed-in user's JSON is kept out of
 * caches: their refusals are rendered there too, and where text answers are
 * compressed, whoever made them.
 */
import { log } from "../log.ts";
import { compressResponse } from "./compression.ts";
import { logRequest } from "./logger.ts";
import { withSecurityHeaders } from "./security_headers.ts";

/** A `Deno.serve` handler. */
export type Handler<Info> = (req: Request, info: Info) => Promise<Response>;

const requestIds = new WeakMap<Request, string>();
const signedIn = new WeakSet<Request>();

/** The caching a signed-in user's JSON gets when its route chose none: no copy kept anywhere. */
export const PRIVATE_CACHING = "private, no-store";

/** Records that `req` carried a valid session, so its JSON answer is not cached. */
export function markSignedIn(req: Request): void {
  signedIn.add(req);
}

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
    if (signedIn.has(req)) keepOutOfCaches(response);
    response = await compressResponse(req, response);
    // A WebSocket upgrade keeps its headers as the socket handshake set them.
    if (response.status !== 101) {
      response.headers.set("x-request-id", requestId);
    }
    logRequest(req, requestId, response.status, started);
    return response;
  };
}

// A shared proxy or the browser's disk cache must not keep one user's data.
function keepOutOfCaches(response: Response): void {
  const headers = response.headers;
  const type = headers.get("content-type") ?? "";
  if (!/[/+]json\b/.test(type) || headers.has("cache-control")) return;
  headers.set("cache-control", PRIVATE_CACHING);
}

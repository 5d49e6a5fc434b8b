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
    path: pathOf(req.url),
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
}

/**
 * The path of a request's URL. `Request.url` is already parsed and
 * serialized, so for http(s) its path runs from the first `/` after the host
 * to the query or fragment: read without parsing the URL a second time.
 */
export function pathOf(url: string): string {
  const scheme = url.startsWith("http://")
    ? 7
    : url.startsWith("https://")
    ? 8
    : -1;
  if (scheme === -1) return new URL(url).pathname;
  const start = url.indexOf("/", scheme);
  if (start === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query !== -1) end = query;
  const hash = url.indexOf("#", start);
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(start, end);
}

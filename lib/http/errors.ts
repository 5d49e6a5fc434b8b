import { type Context, HttpError, page, type PageResponse } from "fresh";
import { ApiError, codeForStatus } from "../errors.ts";
import { log } from "../log.ts";

/** What the HTML error page shows. */
export interface ErrorPageData {
  status: number;
  detail: string;
  requestId: string;
}

interface StateWithId {
  requestId: string;
}

/** Maps the error on `ctx.error` to `{detail, code}` JSON, or to the error page for browsers. */
export function errorResponse<S extends StateWithId>(
  ctx: Context<S>,
): Response | PageResponse<ErrorPageData> {
  const error = ctx.error;
  const requestId = ctx.state.requestId;
  let status = 500;
  let code = codeForStatus(500);
  let detail = `Something went wrong on the server (request id ${requestId})`;
  let fields: Record<string, string> = {};
  const headers = new Headers({ "x-request-id": requestId });
  // The app's own refusals carry their code and headers; the framework's
  // (an unknown path, a method not allowed) only a status.
  const known = error instanceof ApiError || error instanceof HttpError
    ? error
    : null;
  if (known && known.status !== 500) {
    status = known.status;
    code = known instanceof ApiError ? known.code : codeForStatus(status);
    // 4xx details are the client's to read, and so is a 503 the app chose
    // (shedding load); any other 5xx keeps the generic text.
    if (status < 500 || (known instanceof ApiError && status === 503)) {
      detail = known.message;
    }
    if (known instanceof ApiError) {
      fields = known.fields;
      for (const [name, value] of Object.entries(known.headers)) {
        headers.set(name, value);
      }
    }
  } else {
    // Only real server faults are logged; the client sees just the request id.
    log("error", "unhandled error", {
      requestId,
      method: ctx.req.method,
      path: ctx.url.pathname,
      error: error instanceof Error
        ? (error.stack ?? error.message)
        : String(error),
    });
  }
  if (wantsHtml(ctx.req)) {
    return page({ status, detail, requestId }, { status, headers });
  }
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify({ ...fields, detail, code }), {
    status,
    headers,
  });
}

/** True for a browser navigation, which should see a page rather than JSON. */
export function wantsHtml(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  return (req.headers.get("accept") ?? "").toLowerCase().includes("text/html");
}

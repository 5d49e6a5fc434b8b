/**
 * The app's one error type, plain data below the web layer: the data layer, use
 * cases and sockets throw it; only `lib/http/errors.ts` turns it into a response
 * and the socket layer into an `error` frame. It imports nothing, so the data
 * layer and the browser bundle can use it without pulling in the framework.
 */

/** A refusal with an HTTP status, a stable machine `code` and a human `message`. */
export class ApiError extends Error {
  /** HTTP status the refusal is answered with (4xx for the client's doing). */
  readonly status: number;
  /** Machine code sent as `code` in the JSON error body, e.g. `username_taken`. */
  readonly code: string;
  /** Extra headers the error response must carry, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;
  /** Extra fields of the JSON body and `error` frame, e.g. `until` of a timeout. */
  readonly fields: Record<string, string>;

  /** Creates an error answered with `status`, `{detail, code, ...fields}` and optional headers. */
  constructor(
    status: number,
    code: string,
    detail: string,
    headers: Record<string, string> = {},
    fields: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.fields = fields;
  }
}

const CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  416: "range_not_satisfiable",
  422: "validation_failed",
  429: "rate_limited",
  500: "internal_error",
};

/** The default machine code for an HTTP status. */
export function codeForStatus(status: number): string {
  return CODES[status] ?? `http_${status}`;
}

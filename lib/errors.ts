import { HttpError } from "fresh";

/** An HTTP error with a stable machine-readable `code` for API clients. */
export class ApiError extends HttpError {
  /** Machine code sent as `code` in the JSON error body, e.g. `username_taken`. */
  readonly code: string;
  /** Extra headers the error response must carry, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;

  /** Creates an error answered with `status`, `{detail, code}` and optional headers. */
  constructor(
    status: number,
    code: string,
    detail: string,
    headers: Record<string, string> = {},
  ) {
    super(status, detail);
    this.name = "ApiError";
    this.code = code;
    this.headers = headers;
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

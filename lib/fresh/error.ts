/** An error that carries the HTTP status it should be answered with. */
export class HttpError extends Error {
  /** The HTTP status code this error maps to. */
  readonly status: number;

  /** Creates an error answered with `status`; `message` is safe to show to clients. */
  constructor(status: number, message?: string, options?: ErrorOptions) {
    super(message ?? defaultMessage(status), options);
    this.name = "HttpError";
    this.status = status;
  }
}

const MESSAGES: Record<number, string> = {
  400: "Bad request",
  401: "Authentication required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable entity",
  429: "Too many requests",
  500: "Internal server error",
};

function defaultMessage(status: number): string {
  return MESSAGES[status] ?? `HTTP ${status}`;
}

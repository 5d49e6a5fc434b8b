/** What a handler returns to have the route's page component rendered with `data`. */
export interface PageResponse<T> {
  /** The data handed to the page component as `props.data`. */
  readonly data: T;
  /** Extra response headers. */
  readonly headers?: HeadersInit;
  /** The response status, 200 unless set. */
  readonly status?: number;
  readonly [PAGE_MARK]: true;
}

const PAGE_MARK: unique symbol = Symbol("hearth.page");

/** Asks the framework to render the route's page component with `data`. */
export function page<T>(
  data?: T,
  init?: { headers?: HeadersInit; status?: number },
): PageResponse<T> {
  return {
    data: data as T,
    headers: init?.headers,
    status: init?.status,
    [PAGE_MARK]: true,
  };
}

/** Tells whether a handler's result is a `page()` rather than a `Response`. */
export function isPageResponse(value: unknown): value is PageResponse<unknown> {
  return typeof value === "object" && value !== null && PAGE_MARK in value;
}

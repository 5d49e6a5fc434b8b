/** JSON helpers for the page's own API calls; the session cookie rides along. */

/** A failed API call, with a sentence fit to show a person. */
export class ApiFailure extends Error {
  /** The HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** The server's machine `code` (`slow_mode`, `timed_out` ...), when it sent one. */
  readonly code?: string;
  /** With `timed_out`: when the timeout ends (ISO 8601). */
  readonly until?: string;
  /** With a 429: the seconds of its `Retry-After`. */
  readonly retryAfter?: number;

  /** Creates a failure carrying a readable message, and what the server said of it. */
  constructor(
    status: number,
    message: string,
    said: { code?: string; until?: string; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
    this.code = said.code;
    this.until = said.until;
    this.retryAfter = said.retryAfter;
  }
}

/** Calls the API and returns its JSON (or null for 204); throws `ApiFailure`. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined
        ? { accept: "application/json" }
        : { accept: "application/json", "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      signal: init.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiFailure(0, OFFLINE);
  }
  if (!response.ok) throw await refusal(response);
  if (response.status === 204) return null as T;
  return await response.json() as T;
}

/** The `ApiFailure` a refused response stands for (see {@linkcode failureOf}). */
export async function refusal(response: Response): Promise<ApiFailure> {
  return failureOf(
    response.status,
    await response.text().catch(() => ""),
    response.headers.get("retry-after"),
  );
}

/** What to say when the server cannot be reached at all. */
export const OFFLINE =
  "Hearth could not be reached. Check your connection and try again.";

/**
 * The sentence for an error status and its body text (JSON `{detail}` or
 * anything). A 429 says "too many attempts" unless `detailed`, when a slow
 * mode's own sentence is shown.
 */
function errorSentence(
  status: number,
  body: string,
  detailed = false,
): string {
  if (status === 429 && !(detailed && body.includes('"slow_mode"'))) {
    return "Too many attempts. Wait a little and try again.";
  }
  if (status === 401) return "Your session has ended. Sign in again.";
  try {
    const detail = JSON.parse(body)?.detail;
    if (typeof detail === "string" && detail.trim()) return sentence(detail);
  } catch {
    // Not JSON: fall through to a general sentence.
  }
  if (status === 413) return "That file is too large.";
  return "Something went wrong. Please try again.";
}

/** The failure an error answer stands for: its sentence, code, `until` and `Retry-After`. */
export function failureOf(
  status: number,
  body: string,
  retryAfter: string | null,
): ApiFailure {
  return new ApiFailure(
    status,
    errorSentence(status, body, true),
    said(body, retryAfter),
  );
}

// The machine-readable part of an error body, for callers that act on it.
function said(body: string, retryAfter: string | null) {
  const out: { code?: string; until?: string; retryAfter?: number } = {};
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed?.code === "string") out.code = parsed.code;
    if (typeof parsed?.until === "string") out.until = parsed.until;
  } catch {
    // Not JSON: nothing more to learn.
  }
  const seconds = Number(retryAfter);
  if (seconds > 0) out.retryAfter = seconds;
  return out;
}

/** Capitalises and ends a phrase with a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

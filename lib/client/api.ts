/** JSON helpers for the page's own API calls; the session cookie rides along. */

/** A failed API call, with a sentence fit to show a person. */
export class ApiFailure extends Error {
  /** The HTTP status, or 0 when the server could not be reached. */
  readonly status: number;

  /** Creates a failure carrying a readable message. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
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
  if (!response.ok) {
    throw new ApiFailure(response.status, await describeError(response));
  }
  if (response.status === 204) return null as T;
  return await response.json() as T;
}

/** What to say when the server cannot be reached at all. */
export const OFFLINE =
  "Hearth could not be reached. Check your connection and try again.";

/** Turns an error response into a sentence: the server's `detail`, never its code. */
export async function describeError(response: Response): Promise<string> {
  return errorSentence(response.status, await response.text().catch(() => ""));
}

/** The sentence for an error status and its body text (JSON `{detail}` or anything). */
export function errorSentence(status: number, body: string): string {
  if (status === 429) return "Too many attempts. Wait a little and try again.";
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

/** Capitalises and ends a phrase with a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

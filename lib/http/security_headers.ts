/** The Content-Security-Policy of pages: scripts only from this origin, no inline script. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Inline style attributes (progress bars) are harmless; inline scripts are not allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Adds the headers every response carries, and the page CSP to HTML responses. */
export function withSecurityHeaders(response: Response): Response {
  // WebSocket upgrade responses and redirects keep their own headers untouched.
  if (response.status === 101) return response;
  let headers: Headers;
  try {
    headers = response.headers;
    headers.set("x-content-type-options", "nosniff");
  } catch {
    // Immutable headers (a fetched Response): copy them.
    response = new Response(response.body, response);
    headers = response.headers;
    headers.set("x-content-type-options", "nosniff");
  }
  headers.set("referrer-policy", "same-origin");
  if (!headers.has("content-security-policy")) {
    const type = headers.get("content-type") ?? "";
    headers.set(
      "content-security-policy",
      type.startsWith("text/html")
        ? PAGE_CSP
        : "default-src 'none'; frame-ancestors 'none'",
    );
  }
  headers.set("x-frame-options", "DENY");
  return response;
}

/** The origin the client believes it talks to, honouring a proxy's forwarded headers. */
export function publicOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host")?.split(",")[0].trim();
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0].trim();
  if (host && (proto === "http" || proto === "https")) {
    return `${proto}://${host}`;
  }
  if (host) return `${url.protocol}//${host}`;
  return url.origin;
}

/** True when the request came over HTTPS, directly or through a proxy that says so. */
export function isHttps(req: Request): boolean {
  if (new URL(req.url).protocol === "https:") return true;
  return req.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
}

/**
 * True when an `Origin` header is this server's own origin or one configured with
 * `--origin`. Browsers cannot forge Origin or X-Forwarded-*, so trusting the
 * forwarded host here only ever admits requests that a proxy made same-origin.
 */
export function isAllowedOrigin(
  req: Request,
  origin: string,
  extra: string[],
): boolean {
  if (origin === new URL(req.url).origin || origin === publicOrigin(req)) {
    return true;
  }
  return extra.includes(origin);
}

/**
 * Whether a request that relies on the cookie alone may change things: its
 * `Origin` (or, failing that, `Sec-Fetch-Site`) must say it came from this site.
 */
export function isSameSiteRequest(req: Request, extra: string[]): boolean {
  const origin = req.headers.get("origin");
  if (origin !== null) return isAllowedOrigin(req, origin, extra);
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  // Neither header: not a browser, so not a cross-site forgery.
  return true;
}

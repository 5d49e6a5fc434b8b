/**
 * Which origin and scheme a request was made to. Behind a reverse proxy the
 * request Hearth sees is the proxy's, so the public ones come from
 * `X-Forwarded-Host` and `X-Forwarded-Proto`; but anyone who reaches Hearth
 * directly can send those headers too, so they are believed only with
 * `--trust-proxy` (`trustProxy`), as `X-Forwarded-For` is.
 */

/** The origin the client believes it talks to: the proxy's forwarded headers when trusted, else the request URL's. */
export function publicOrigin(req: Request, trustProxy: boolean): string {
  const url = new URL(req.url);
  if (!trustProxy) return url.origin;
  const host = req.headers.get("x-forwarded-host")?.split(",")[0].trim();
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0].trim();
  if (host && (proto === "http" || proto === "https")) {
    return `${proto}://${host}`;
  }
  if (host) return `${url.protocol}//${host}`;
  return url.origin;
}

/** True when the request came over HTTPS, directly or through a trusted proxy that says so. */
export function isHttps(req: Request, trustProxy: boolean): boolean {
  if (new URL(req.url).protocol === "https:") return true;
  return trustProxy &&
    req.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
}

/**
 * True when an `Origin` header is this server's own origin (the public one a
 * trusted proxy reports included) or one configured with `--origin`.
 */
export function isAllowedOrigin(
  req: Request,
  origin: string,
  extra: string[],
  trustProxy: boolean,
): boolean {
  if (
    origin === new URL(req.url).origin ||
    origin === publicOrigin(req, trustProxy)
  ) {
    return true;
  }
  return extra.includes(origin);
}

/**
 * Whether a request that relies on the cookie alone may change things: its
 * `Origin` (or, failing that, `Sec-Fetch-Site`) must say it came from this site.
 */
export function isSameSiteRequest(
  req: Request,
  extra: string[],
  trustProxy: boolean,
): boolean {
  const origin = req.headers.get("origin");
  if (origin !== null) return isAllowedOrigin(req, origin, extra, trustProxy);
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  // Neither header: not a browser, so not a cross-site forgery.
  return true;
}

/**
 * Sign-in CSRF: a page on another site could post its own credentials to
 * `/auth/login` and leave the victim signed in as the attacker. The Lax cookie
 * is not sent on such a post, so the cookie rule never sees it; the forms that
 * hand out a session are checked here instead, with the same judgement of
 * `Origin` and `Sec-Fetch-Site` (clients that send neither are not browsers).
 */
import { ApiError } from "../errors.ts";
import { isSameSiteRequest } from "../http/origin.ts";

/** Throws 403 `cross_site` when a browser sent `req` from a site other than this one (or an `--origin`). */
export function refuseCrossSiteSignIn(
  req: Request,
  origins: string[],
  trustProxy: boolean,
): void {
  if (isSameSiteRequest(req, origins, trustProxy)) return;
  throw new ApiError(
    403,
    "cross_site",
    "Signing in or registering from another site is not allowed; use Hearth's own page",
  );
}

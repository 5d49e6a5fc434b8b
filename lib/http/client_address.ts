/**
 * Who is on the other end of a request, for rate limits.
 *
 * By default that is the TCP peer. Behind a reverse proxy the peer is always
 * the proxy, so every client would share one budget; with `trustProxy` the
 * address the nearest proxy appended to `X-Forwarded-For` is used instead. Only
 * the last entry is believed: the ones before it came from the client and can
 * say anything. Turn it on only when clients cannot reach Hearth except
 * through that proxy, or they could name any address they like.
 */

const IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// Hex groups and colons, optionally ending in a dotted quad; bracketed or not.
const IPV6 = /^\[?[0-9a-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?\]?$/i;

/** The client address of a request: the proxy's `X-Forwarded-For` entry when trusted, else `peer`. */
export function clientAddress(
  req: Request,
  peer: string,
  trustProxy: boolean,
): string {
  if (!trustProxy) return peer;
  const header = req.headers.get("x-forwarded-for");
  if (header === null) return peer;
  const last = header.split(",").at(-1)!.trim();
  if (IPV4.test(last)) return last;
  if (IPV6.test(last) && last.includes(":")) {
    return last.replace(/^\[|\]$/g, "");
  }
  return peer;
}

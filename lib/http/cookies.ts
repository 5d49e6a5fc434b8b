/** Cookies the pages read and write (the session cookie lives in lib/auth). */

/** Remembers the channel a user last opened, so `/` can take them back to it. */
export const LAST_CHANNEL_COOKIE = "hearth_last_channel";

/** The value of cookie `name` in a `Cookie` header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return value === "" ? null : decodeURIComponent(value);
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * A Set-Cookie value for the last channel. Not HttpOnly: it holds nothing
 * secret, only a channel id, and the page may read it.
 */
export function lastChannelCookie(channelId: string, secure: boolean): string {
  return lastChannelValue(encodeURIComponent(channelId), 365 * 86400, secure);
}

/** A Set-Cookie value that removes the last-channel cookie, for signing out. */
export function clearedLastChannelCookie(secure: boolean): string {
  return lastChannelValue("", 0, secure);
}

function lastChannelValue(
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  return [
    `${LAST_CHANNEL_COOKIE}=${value}`,
    "Path=/",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

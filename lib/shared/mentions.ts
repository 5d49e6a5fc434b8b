/**
 * Finding `@username` mentions in message text. Only the names are found
 * here; whether a name belongs to a member of the channel is the server's
 * business. Browser-safe, so the log can highlight what the server resolved.
 */
import {
  MAX_MENTIONS_PER_MESSAGE,
  MAX_USERNAME_LENGTH,
  MENTION_PATTERN,
  MIN_USERNAME_LENGTH,
} from "./limits.ts";

/**
 * The distinct usernames `@`-mentioned in `content`, lower-cased, in order of
 * first mention, at most {@linkcode MAX_MENTIONS_PER_MESSAGE}.
 */
export function mentionedNames(content: string): string[] {
  const names = new Set<string>();
  for (const match of content.matchAll(MENTION_PATTERN)) {
    const name = match[1];
    if (
      name.length < MIN_USERNAME_LENGTH || name.length > MAX_USERNAME_LENGTH
    ) continue;
    names.add(name.toLowerCase());
    if (names.size === MAX_MENTIONS_PER_MESSAGE) break;
  }
  return [...names];
}

/**
 * The emoji this user reacted with lately, newest first, kept in
 * localStorage per user (like drafts) so the picker can offer them again on
 * the next page. Without storage the row is simply empty. Signing out
 * forgets them, as it does drafts.
 */
import { browserStorage } from "./storage.ts";

/** Most emoji the Recent row holds: two rows of the picker. */
export const MAX_RECENT_EMOJI = 16;

/** The localStorage key of one user's recent emoji. */
export function recentEmojiKey(userId: string): string {
  return `hearth:recent-emoji:${userId}`;
}

/** The user's recent emoji, newest first; [] when there are none or they cannot be read. */
export function loadRecentEmoji(
  userId: string,
  storage = browserStorage(),
): string[] {
  try {
    const kept = JSON.parse(storage?.getItem(recentEmojiKey(userId)) ?? "[]");
    return Array.isArray(kept)
      ? kept.filter((e) => typeof e === "string").slice(0, MAX_RECENT_EMOJI)
      : [];
  } catch {
    return [];
  }
}

/** Puts `emoji` first in the user's recent emoji (once), keeping at most {@linkcode MAX_RECENT_EMOJI}. */
export function rememberEmoji(
  userId: string,
  emoji: string,
  storage = browserStorage(),
): void {
  const next = [emoji, ...loadRecentEmoji(userId, storage)]
    .filter((e, i, all) => all.indexOf(e) === i)
    .slice(0, MAX_RECENT_EMOJI);
  try {
    storage?.setItem(recentEmojiKey(userId), JSON.stringify(next));
  } catch {
    // Full or refused: the row just does not change.
  }
}

/** Forgets the user's recent emoji (signing out on a shared computer). */
export function forgetRecentEmoji(
  userId: string,
  storage = browserStorage(),
): void {
  try {
    storage?.removeItem(recentEmojiKey(userId));
  } catch {
    // Nothing was kept, or nothing can be removed.
  }
}

/**
 * Unsent text per channel, kept in the browser's localStorage so it survives
 * switching channels (each one a page load) and reloading. Keys carry the
 * user's id as well as the channel's: someone else signing in on the same
 * browser never sees them. Storage may be unavailable (disabled, full, a
 * private window): drafts are then simply not kept.
 */

import { browserStorage } from "./storage.ts";

const PREFIX = "hearth:draft:";

/** The localStorage key of one user's draft in one channel. */
export function draftKey(userId: string, channelId: string): string {
  return `${PREFIX}${userId}:${channelId}`;
}

/** The saved draft, or "" when there is none. */
export function loadDraft(
  userId: string,
  channelId: string,
  storage = browserStorage(),
): string {
  try {
    return storage?.getItem(draftKey(userId, channelId)) ?? "";
  } catch {
    return "";
  }
}

/** Saves `text` as the draft; blank text removes it. */
export function saveDraft(
  userId: string,
  channelId: string,
  text: string,
  storage = browserStorage(),
): void {
  try {
    const key = draftKey(userId, channelId);
    if (text.trim()) storage?.setItem(key, text);
    else storage?.removeItem(key);
  } catch {
    // Full or refused: the draft stays in the box, just not across a reload.
  }
}

/** Removes every draft of `userId` (signing out on a shared computer). */
export function clearDrafts(userId: string, storage = browserStorage()): void {
  try {
    if (!storage) return;
    const mine = `${PREFIX}${userId}:`;
    const keys = Array.from(
      { length: storage.length },
      (_, i) => storage.key(i),
    );
    for (const key of keys) if (key?.startsWith(mine)) storage.removeItem(key);
  } catch {
    // Nothing was kept, or nothing can be removed.
  }
}

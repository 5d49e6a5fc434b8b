/**
 * Notification levels: what a member hears about from a channel. Browser-safe,
 * so the page and the server decide alike.
 *
 * Mute is a separate flag, not a fourth level: a muted channel notifies
 * nothing and counts in no title or badge, and unmuting brings back the level
 * chosen before.
 */

/** The levels, loudest first. */
export const NOTIFICATION_LEVELS = ["all", "mentions", "none"] as const;

/** What a member hears about: every message, only those mentioning them, or nothing. */
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];

/** A member's choice for one channel, as channel objects carry it. */
export interface NotificationSetting {
  /** The level (the default when never set). */
  notifications: NotificationLevel;
  /** Whether the channel is muted. */
  muted: boolean;
}

/**
 * The level of a channel nobody chose one for: "all" for a direct message
 * (`kind: "dm"`), where every message is meant for the reader, and
 * "mentions" for a channel.
 */
export function defaultLevel(
  channel: { id: string; kind?: string },
): NotificationLevel {
  return channel.kind === "dm" ? "all" : "mentions";
}

/** Whether a new message notifies a member under `setting`. */
export function notifies(
  setting: NotificationSetting,
  mentionsMe: boolean,
): boolean {
  if (setting.muted) return false;
  return setting.notifications === "all" ||
    (setting.notifications === "mentions" && mentionsMe);
}

/**
 * What the page knows of the rules that hold back its user's posts: a
 * channel's post policy and slow mode, and a timeout. The server decides;
 * this only says why beforehand (the composer's notice) and counts down a
 * slow mode after each send. Learned from the page data, `channel_updated`
 * frames, and refusals (`slow_mode`, `timed_out`, `read_only`).
 */
import { signal } from "@preact/signals";
import { ApiFailure } from "./api.ts";
import type { ChannelView, Me } from "./types.ts";

/** The signals of the user's posting standing on this page. */
export function createPostingState(me: Me) {
  return {
    /** When my timeout ends (ISO 8601), or null. */
    timedOutUntil: signal<string | null>(me.timedOutUntil ?? null),
    /** When slow mode lets me post again in the open channel (ms since the epoch); 0: now. */
    slowUntil: signal(0),
  };
}

/** The posting signals, as the chat state holds them. */
export type PostingState = ReturnType<typeof createPostingState>;

/** Whether `me` is a moderator or above on the instance. */
export function isStaff(me: Me): boolean {
  return me.role !== "member";
}

/** Whether `me` is held to `channel`'s slow mode and post policy: not its owner, not staff. */
export function heldToRules(me: Me, channel: ChannelView): boolean {
  return channel.ownerId !== me.id && !isStaff(me);
}

/** Whether `me` may delete others' messages in `channel`: its owner or staff, never in a DM. */
export function mayDeleteOthers(me: Me, channel: ChannelView | null): boolean {
  if (!channel || channel.kind === "dm") return false;
  return channel.ownerId === me.id || isStaff(me);
}

/** A slow mode's window in words: "5 s", "1 min", "6 h"; "Off" for 0. */
export function slowModeLabel(seconds: number): string {
  if (seconds <= 0) return "Off";
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A wait in whole seconds, as the countdown says it: "42 s", "4 min 5 s". */
export function waitLabel(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  return slowModeLabel(Math.ceil(seconds / 60) * 60);
}

/** When a timeout ends, in the reader's clock: "14:05", or with the date when not today. */
export function untilLabel(until: string, now = new Date()): string {
  const end = new Date(until);
  const time = end.toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
  });
  return end.toDateString() === now.toDateString()
    ? time
    : `${
      end.toLocaleDateString([], { month: "short", day: "numeric" })
    } ${time}`;
}

/** Takes in what a refused post tells: the timeout's end, or slow mode's wait. */
export function noteRefusal(posting: PostingState, error: unknown): void {
  if (!(error instanceof ApiFailure)) return;
  if (error.code === "timed_out" && error.until) {
    posting.timedOutUntil.value = error.until;
  } else if (error.code === "slow_mode" && error.retryAfter) {
    posting.slowUntil.value = Date.now() + error.retryAfter * 1000;
  }
}

/** Starts slow mode's countdown after my message was stored in `channel`. */
export function notePosted(
  posting: PostingState,
  me: Me,
  channel: ChannelView | null,
): void {
  const seconds = channel?.slowModeSeconds ?? 0;
  if (!channel || seconds === 0 || !heldToRules(me, channel)) return;
  posting.slowUntil.value = Date.now() + seconds * 1000;
}

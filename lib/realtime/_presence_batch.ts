/**
 * Presence changes gathered per channel and delivered together, one frame per
 * channel per window. When a thousand members connect at once, each socket
 * hears a few frames listing them rather than a thousand frames, and each
 * frame's text is built once for all the channel's sockets.
 *
 * The window grows with the channel's audience: each frame's changes go to
 * every socket, so a crowd connecting to a big channel would otherwise write
 * (changes x sockets) bytes in many small frames; a longer window sends the
 * same changes in fewer, larger frames (and collapses more came-and-went
 * pairs), still at most one frame per socket per {@linkcode PRESENCE_WINDOW_MS}.
 *
 * A window with more than {@linkcode PRESENCE_CHANGES_MAX} changes (a crowd
 * connecting) is sent as the online count and how many changes were left out,
 * not as the list: listed, each change would reach every socket, and a storm
 * of n connects would write n x n changes. Clients reload their member list.
 *
 * The latest state per user wins, and every user who changed in the window is
 * sent, even one whose state at its end is what it was before (came and went,
 * or left and came back): a socket whose `ready` was built in between saw the
 * other state, and would keep it. Its user's own reload is the common case (a
 * page's old socket closes, and with no grace the user is offline when the new
 * socket's `ready` is built, then online again as that socket opens).
 */
import type { PresenceChange } from "../shared/wire.ts";
import { presenceEvent, type PresenceHubEvent } from "./hub_events.ts";

/** How long presence changes are gathered before a channel's sockets hear them. */
export const PRESENCE_WINDOW_MS = 250;

/** The most changes a `presence` frame lists; a bigger batch sends counts only. */
export const PRESENCE_CHANGES_MAX = 100;

/** How many listeners each further window length is added for. */
export const LISTENERS_PER_WINDOW = 1000;

/**
 * The window for a channel with `listeners` listeners: `windowMs` per started
 * {@linkcode LISTENERS_PER_WINDOW} (250 ms up to 1,000 sockets, 2.5 s at 10,000).
 */
export function presenceWindowMs(
  listeners: number,
  windowMs: number = PRESENCE_WINDOW_MS,
): number {
  return windowMs * Math.max(1, Math.ceil(listeners / LISTENERS_PER_WINDOW));
}

/** Options for {@linkcode PresenceBatches}. */
export interface PresenceBatchOptions {
  /** The shortest window; {@linkcode PRESENCE_WINDOW_MS} by default. */
  windowMs?: number;
  /** How many listeners the channel has now, which lengthens its window. */
  listeners?: (channelId: string) => number;
  /** The channel's online count to send along, when known. */
  onlineCount?: (channelId: string) => number | undefined;
}

interface Pending {
  // Per user: the latest state in the window.
  users: Map<string, boolean>;
  timer: ReturnType<typeof setTimeout>;
}

/** One pending batch and one timer per channel with changes in flight. */
export class PresenceBatches {
  #pending = new Map<string, Pending>();
  #deliver: (channelId: string, event: PresenceHubEvent) => void;
  #windowMs: number;
  #onlineCount: (channelId: string) => number | undefined;
  #listeners: (channelId: string) => number;

  /** `deliver` hands a channel's batch to its sockets when its window ends. */
  constructor(
    deliver: (channelId: string, event: PresenceHubEvent) => void,
    opts: PresenceBatchOptions = {},
  ) {
    this.#deliver = deliver;
    this.#windowMs = opts.windowMs ?? PRESENCE_WINDOW_MS;
    this.#onlineCount = opts.onlineCount ?? (() => undefined);
    this.#listeners = opts.listeners ?? (() => 0);
  }

  /** Adds changes to the channel's batch, opening a window if none is open. */
  add(channelId: string, changes: readonly PresenceChange[]): void {
    let pending = this.#pending.get(channelId);
    if (!pending) {
      pending = {
        users: new Map(),
        timer: setTimeout(
          () => this.#flush(channelId),
          presenceWindowMs(this.#listeners(channelId), this.#windowMs),
        ),
      };
      this.#pending.set(channelId, pending);
    }
    for (const { userId, online } of changes) pending.users.set(userId, online);
  }

  /** Drops every pending batch (shutdown). */
  close(): void {
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
  }

  #flush(channelId: string): void {
    const pending = this.#pending.get(channelId);
    if (!pending) return;
    this.#pending.delete(channelId);
    const changes: PresenceChange[] = [];
    for (const [userId, online] of pending.users) {
      changes.push({ userId, online });
    }
    const onlineCount = this.#onlineCount(channelId);
    this.#deliver(
      channelId,
      changes.length > PRESENCE_CHANGES_MAX
        ? presenceEvent([], onlineCount, changes.length)
        : presenceEvent(changes, onlineCount),
    );
  }
}

/**
 * Presence changes gathered per channel and delivered together, one frame per
 * channel per window. When a thousand members connect at once, each socket
 * hears a few frames listing them rather than a thousand frames, and each
 * frame's text is built once for all the channel's sockets.
 *
 * The latest state per user wins. A user whose state at the end of the window
 * is what it was before it (came and went, or left and came back) is left out:
 * for the channel nothing changed.
 */
import type { PresenceChange } from "../shared/wire.ts";
import { presenceEvent, type PresenceHubEvent } from "./hub_events.ts";

/** How long presence changes are gathered before a channel's sockets hear them. */
export const PRESENCE_WINDOW_MS = 250;

/** Options for {@linkcode PresenceBatches}. */
export interface PresenceBatchOptions {
  /** How long changes are gathered; {@linkcode PRESENCE_WINDOW_MS} by default. */
  windowMs?: number;
  /** The channel's online count to send along, when known. */
  onlineCount?: (channelId: string) => number | undefined;
}

interface Pending {
  // Per user: the state before the window (the opposite of their first
  // change in it) and the latest one.
  users: Map<string, { before: boolean; now: boolean }>;
  timer: ReturnType<typeof setTimeout>;
}

/** One pending batch and one timer per channel with changes in flight. */
export class PresenceBatches {
  #pending = new Map<string, Pending>();
  #deliver: (channelId: string, event: PresenceHubEvent) => void;
  #windowMs: number;
  #onlineCount: (channelId: string) => number | undefined;

  /** `deliver` hands a channel's batch to its sockets when its window ends. */
  constructor(
    deliver: (channelId: string, event: PresenceHubEvent) => void,
    opts: PresenceBatchOptions = {},
  ) {
    this.#deliver = deliver;
    this.#windowMs = opts.windowMs ?? PRESENCE_WINDOW_MS;
    this.#onlineCount = opts.onlineCount ?? (() => undefined);
  }

  /** Adds changes to the channel's batch, opening a window if none is open. */
  add(channelId: string, changes: readonly PresenceChange[]): void {
    let pending = this.#pending.get(channelId);
    if (!pending) {
      pending = {
        users: new Map(),
        timer: setTimeout(() => this.#flush(channelId), this.#windowMs),
      };
      this.#pending.set(channelId, pending);
    }
    for (const { userId, online } of changes) {
      const seen = pending.users.get(userId);
      if (seen) seen.now = online;
      else pending.users.set(userId, { before: !online, now: online });
    }
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
    for (const [userId, { before, now }] of pending.users) {
      if (now !== before) changes.push({ userId, online: now });
    }
    if (changes.length === 0) return;
    this.#deliver(
      channelId,
      presenceEvent(changes, this.#onlineCount(channelId)),
    );
  }
}

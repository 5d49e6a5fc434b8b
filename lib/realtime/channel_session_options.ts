/**
 * The settings of a channel session: what it needs from the app, its limits
 * and their defaults, and how it ended.
 */
import type { ClientFrame, Message, ReadyMembers } from "../shared/wire.ts";
import type { Hub } from "./hub.ts";

/** Messages read per `loadAfter` call while catching up (the REST maximum too). */
export const PAGE_SIZE = 200;

/** Default limit on unsent bytes per socket before it is closed with 1013. */
export const DEFAULT_MAX_BUFFERED = 1024 * 1024;

/** Default time unsent bytes may sit undrained before the peer counts as gone. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Default cap on events waiting behind a catch-up before the socket is closed with 1013. */
export const DEFAULT_MAX_QUEUED = 1000;

/**
 * Seconds for `Deno.upgradeWebSocket`'s `idleTimeout`: Deno pings a quiet peer
 * after half of it and closes with 1001 when no pong came by the end.
 */
export const IDLE_TIMEOUT_SECONDS = 60;

/** What a session needs from the rest of the app. */
export interface ChannelSessionOptions {
  /** The channel this socket watches. */
  channelId: string;
  /** Where live events come from; the session subscribes before reading anything. */
  hub: Hub;
  /** Send stored messages after this seq first; omitted means live messages only. */
  afterSeq?: number;
  /** The socket's user, so their own typing notices are not echoed back. */
  userId?: string;
  /** Stored messages with seq > `afterSeq`, oldest first, at most `limit`. */
  loadAfter(afterSeq: number, limit: number): Promise<Message[]>;
  /** The channel's highest stored seq (0 when empty). */
  lastSeq(): Promise<number>;
  /** The channel's change counter, for `ready` (0 when not given). */
  lastRev?(): Promise<number>;
  /**
   * After the backlog, send a `message_update` for every message up to
   * `afterSeq` changed after this rev: what a reconnecting client missed.
   */
  afterRev?: number;
  /** Messages with seq <= `maxSeq` changed after rev `sinceRev`, in rev order, at most `limit`. */
  loadChanges?(
    sinceRev: number,
    maxSeq: number,
    limit: number,
  ): Promise<Message[]>;
  /** The member counts and online members for the `ready` frame. */
  loadMembers?(): Promise<ReadyMembers>;
  /** Handles a valid client frame; ApiError-like throws become `error` frames. */
  onClientFrame(frame: ClientFrame): Promise<void>;
  /** Unsent bytes past which the socket is closed with 1013 (default 1 MiB). */
  maxBuffered?: number;
  /** Time unsent bytes may sit undrained before closing with 1013 (default 30 s). */
  stallTimeoutMs?: number;
  /** Events that may wait behind a catch-up before closing with 1013 (default 1,000). */
  maxQueued?: number;
}

/** How a session ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

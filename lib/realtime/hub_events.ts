/**
 * What the hub carries: a channel's events, each with its server frame text
 * built at most once however many sockets get it, and the control messages
 * that only servers hear.
 */
import type {
  ChannelSummary,
  Member,
  Message,
  PresenceChange,
  ServerFrame,
} from "../shared/wire.ts";

/** A stored message to deliver; `seq` is copied out for cheap ordering checks. */
export interface MessageHubEvent {
  readonly kind: "message";
  readonly seq: number;
  readonly message: Message;
  /** The `message` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** A stored message changed (edit, deletion, reaction); carries it whole, as it is now. */
export interface UpdateHubEvent {
  readonly kind: "update";
  readonly seq: number;
  readonly rev: number;
  readonly message: Message;
  /** The `message_update` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** Users came online or went offline (one when published, a batch when delivered). */
export interface PresenceHubEvent {
  readonly kind: "presence";
  readonly changes: readonly PresenceChange[];
  /** The `presence` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** A user is typing in the channel. */
export interface TypingHubEvent {
  readonly kind: "typing";
  readonly userId: string;
  /** The `typing` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** Someone joined or left the channel. */
export interface MemberHubEvent {
  readonly kind: "member";
  readonly userId: string;
  readonly joined: boolean;
  /** Someone else took them out. */
  readonly removed?: boolean;
  /** The `member` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** A member's face (names, avatar, role, status) changed. */
export interface MemberFaceHubEvent {
  readonly kind: "face";
  readonly userId: string;
  /** The `member_updated` server frame as JSON, built on first use and then shared. */
  readonly frameText: string;
}

/** The channel itself changed: renamed (or a new topic), or deleted. */
export interface ChannelHubEvent {
  readonly kind: "channel";
  /** True when the channel was deleted: its sockets close after the frame. */
  readonly deleted: boolean;
  /** The `channel_updated` or `channel_removed` frame as JSON. */
  readonly frameText: string;
}

/** Anything published to a channel. */
export type HubEvent =
  | MessageHubEvent
  | UpdateHubEvent
  | PresenceHubEvent
  | TypingHubEvent
  | MemberHubEvent
  | MemberFaceHubEvent
  | ChannelHubEvent;

/** Receives the events of one channel; must not throw (errors are logged and skipped). */
export type HubListener = (event: HubEvent) => void;

/**
 * News between instances that is for the server only, never for sockets: a
 * token was signed out, or a user joined a channel (their open sockets start
 * watching it for activity), or bots' webhooks or a user's timeout changed (they are read again).
 */
export type ControlMessage =
  | { type: "revoked"; jti: string }
  /** A user was banned: every socket of theirs closes. */
  | { type: "banned"; userId: string }
  /** A user's friends, requests or blocks changed: their open pages reload them. */
  | { type: "friends"; userId: string }
  /** A bot's outgoing webhook was set, changed or turned off, or a bot deleted. */
  | { type: "bots" }
  /** A user was timed out or their timeout lifted: their writes are checked afresh. */
  | { type: "timeout"; userId: string }
  /** A user's record changed (role, display name, status, avatar): what was kept of it is read again. */
  | { type: "user"; userId: string }
  /**
   * Who is online on one instance (`online_peers.ts`): the changes of one
   * batch, or all of them (`all`), or that it started (`hello`) or stops (`gone`).
   */
  | {
    type: "online";
    /** The instance that sends it. */
    from: string;
    /** Its batches count up: one older than what was heard is stale. */
    seq: number;
    /** Users now online there. */
    on?: string[];
    /** Users no longer online there. */
    off?: string[];
    /** Every user online there, in place of what was heard before. */
    all?: string[];
    /** It just started: the others send what they have. */
    hello?: true;
    /** It is shutting down: its users count no more. */
    gone?: true;
  }
  | {
    type: "joined";
    userId: string;
    channelId: string;
    /** What the user's open pages show of the channel they are now in. */
    channel?: ChannelSummary;
  };

/** Wraps a stored message for publishing. */
export function messageEvent(message: Message): MessageHubEvent {
  return withFrameText(
    { kind: "message", seq: message.seq, message },
    () => ({ type: "message", message }),
  );
}

/** Wraps a changed message for publishing as a `message_update`. */
export function updateEvent(message: Message): UpdateHubEvent {
  return withFrameText(
    { kind: "update", seq: message.seq, rev: message.rev, message },
    () => ({ type: "message_update", message }),
  );
}

/** Wraps presence changes: one user's when published, a channel's batch when delivered. */
export function presenceEvent(
  changes: PresenceChange[],
  onlineCount?: number,
  omitted?: number,
): PresenceHubEvent {
  return withFrameText(
    { kind: "presence", changes },
    () => ({ type: "presence", changes, onlineCount, omitted }),
  );
}

/** Wraps a typing notice for publishing; names are optional display hints. */
export function typingEvent(
  user: { id: string; username?: string; displayName?: string },
): TypingHubEvent {
  return withFrameText({ kind: "typing", userId: user.id }, () => ({
    type: "typing",
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
  }));
}

/**
 * Wraps a membership change for publishing; `member` is shown by lists on a
 * join, `removed` marks a leave someone else caused.
 */
export function memberEvent(
  userId: string,
  joined: boolean,
  member?: Member,
  removed?: boolean,
): MemberHubEvent {
  return withFrameText(
    { kind: "member", userId, joined, ...(removed ? { removed } : {}) },
    () => ({
      type: "member",
      userId,
      joined,
      member,
      ...(removed ? { removed } : {}),
    }),
  );
}

/** Wraps a member's new face for publishing. */
export function memberFaceEvent(member: Member): MemberFaceHubEvent {
  return withFrameText(
    { kind: "face", userId: member.id },
    () => ({ type: "member_updated", member }),
  );
}

/** Wraps a renamed channel (or a new topic) for publishing. */
export function channelUpdatedEvent(channel: ChannelSummary): ChannelHubEvent {
  return withFrameText(
    { kind: "channel", deleted: false },
    () => ({ type: "channel_updated", channel }),
  );
}

/** Wraps a deleted channel for publishing. */
export function channelDeletedEvent(channelId: string): ChannelHubEvent {
  return withFrameText(
    { kind: "channel", deleted: true },
    () => ({ type: "channel_removed", channelId, reason: "deleted" }),
  );
}

// A lazy getter: an event that no socket or relay takes is never serialised,
// and one that many take is serialised once.
function withFrameText<T extends object>(
  fields: T,
  frame: () => ServerFrame,
): T & { readonly frameText: string } {
  let text: string | undefined;
  return Object.defineProperty(fields, "frameText", {
    get: () => text ??= JSON.stringify(frame()),
    enumerable: true,
  }) as T & { readonly frameText: string };
}

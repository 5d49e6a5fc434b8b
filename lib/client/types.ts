/**
 * Shapes the browser works with. Wire types come from the one shared module;
 * `import type` keeps zod (and everything else it imports) out of the bundle.
 */
import type { NotificationLevel } from "../shared/notifications.ts";

export type {
  Author,
  ChannelSummary,
  ClientFrame,
  FileRef,
  Member,
  Message,
  Reaction,
  ReplyRef,
  ServerFrame,
} from "../shared/wire.ts";

/** The signed-in user, as `GET /me` returns it. */
export interface Me {
  id: string;
  username: string;
  displayName: string;
  /** The instance role; admins and the owner manage every channel. */
  role: "owner" | "admin" | "moderator" | "member";
  /** When my timeout ends (ISO 8601), or null; on the chat page's data only. */
  timedOutUntil?: string | null;
  /** Where my avatar is served; null or absent without one. */
  avatarUrl?: string | null;
}

/** A channel as `GET /channels` returns it to one user. */
export interface ChannelView {
  id: string;
  name: string;
  topic: string;
  private: boolean;
  /** Who made it; they (and the instance owner) manage it. */
  ownerId: string;
  /** "dm" for a direct message. */
  kind: "channel" | "dm";
  /** A DM's people, the viewer included. */
  people?: {
    id: string;
    username: string;
    displayName: string;
    /** Null without one. */
    avatarUrl?: string | null;
  }[];
  memberCount: number;
  lastSeq: number;
  /** The channel's change counter when this view was read. */
  rev?: number;
  unread: number;
  /** Unread messages that mention me. */
  mentions?: number;
  joined?: boolean;
  /** What this channel notifies me of (members only). */
  notifications?: NotificationLevel;
  /** Whether I muted this channel (members only). */
  muted?: boolean;
  /** Seconds a member waits between messages (0: off). */
  slowModeSeconds?: number;
  /** "moderators": read-only for members. */
  postPolicy?: "everyone" | "moderators";
}

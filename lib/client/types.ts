/**
 * Shapes the browser works with. Wire types come from the one shared module;
 * `import type` keeps zod (and everything else it imports) out of the bundle.
 */
import type { NotificationLevel } from "../shared/notifications.ts";

export type {
  Author,
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
}

/** A channel as `GET /channels` returns it to one user. */
export interface ChannelView {
  id: string;
  name: string;
  topic: string;
  private: boolean;
  memberCount: number;
  lastSeq: number;
  /** The channel's change counter when this view was read. */
  rev?: number;
  unread: number;
  /** Unread messages that mention me. */
  mentions?: number;
  joined?: boolean;
  /** "dm" for a direct message, once those exist; channels may omit it. */
  kind?: string;
  /** What this channel notifies me of (members only). */
  notifications?: NotificationLevel;
  /** Whether I muted this channel (members only). */
  muted?: boolean;
}

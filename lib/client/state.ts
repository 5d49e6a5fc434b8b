/**
 * The chat page's state, in signals, in one place: the channel list, the open
 * channel's messages (stored and on their way), members, typing, uploads and
 * the connection. Components read these; the action modules change them.
 */
import { computed, signal } from "@preact/signals";
import { createPostingState } from "./channel_rules.ts";
import type { Clock } from "./format.ts";
import type { ConnectionStatus } from "./socket.ts";
import type { Entry } from "./timeline.ts";
import type { ChannelView, Me, Member, Message } from "./types.ts";

/** What the server renders the page with; the island's props. */
export interface ChatInit {
  me: Me;
  channels: ChannelView[];
  /** The open channel; null on the browse view. */
  channel: ChannelView | null;
  /** The newest page of the open channel, oldest first. */
  messages: Message[];
  /** The first online members (as `ready` lists them); more load as the list scrolls. */
  members: Member[];
  /** Members of the open channel, and how many of them are online. */
  memberCount?: number;
  onlineCount?: number;
  /** The message a permalink (`?m=`) opened the page at; 0 or absent for none. */
  focusSeq?: number;
  /** The first seq this user had not read when the page was rendered; 0 for none. */
  firstUnreadSeq: number;
  /** The largest file the server takes, in bytes (`--max-upload-mb`). */
  maxUploadBytes: number;
  /** Friend requests waiting for my answer; absent counts as none. */
  friendRequests?: number;
  /** Whom I blocked: their messages show collapsed. */
  blockedIds?: string[];
}

/** A file on its way up. */
export interface UploadItem {
  id: string;
  name: string;
  size: number;
  loaded: number;
  /** Why it failed, in words; unset while running. */
  error?: string;
  /** Set when sending it again cannot succeed (too large): no Retry is offered. */
  refused?: boolean;
  file: File;
  /** The text sent with the file, taken from the message box when it was attached. */
  caption?: string;
}

/** Someone who is typing, until `until` (ms since the epoch). */
export interface Typist {
  name: string;
  until: number;
}

/** Builds the signals from the server's data. */
export function createChatState(init: ChatInit) {
  const me = init.me;
  // Names, avatar and role change while the page is open (member_updated).
  const self = signal(me);
  const channelId = init.channel?.id ?? null;
  const channels = signal(init.channels);
  const messages = signal(init.messages);
  const outbox = signal<Entry[]>([]);
  const typists = signal<Record<string, Typist>>({});
  const sidebarChannels = computed(() =>
    channels.value.map((c) =>
      c.id === channelId ? { ...c, unread: 0, mentions: 0 } : c
    )
  );
  return {
    /** This user as the page knows them now; components reading it follow changes. */
    get me(): Me {
      return self.value;
    },
    /** Takes in this user's new names, avatar or role. */
    setMe(next: Me): void {
      self.value = next;
    },
    /** The open channel's id; null on the browse view. */
    channelId,
    /**
     * Every change up to this rev is held: a reconnect resumes from it. It
     * starts at the channel's rev as the page was loaded (read before its
     * messages) and moves on with `caught_up` frames and the live frames after one.
     */
    rev: signal(init.channel?.rev ?? 0),
    firstUnreadSeq: init.firstUnreadSeq,
    /** The message the page opened at, shown highlighted; 0 for none. */
    focusSeq: init.focusSeq ?? 0,
    channel: signal(init.channel),
    /** The channels this user is in, as last loaded. */
    channels,
    /** Stored messages of the open channel, by seq. */
    messages,
    /** This browser's messages not yet stored: pending or failed. */
    outbox,
    /** The message the next send answers, chosen with Reply; null for none. */
    replyingTo: signal<Message | null>(null),
    /** The seq of this user's message being edited in place; 0 for none. */
    editing: signal(0),
    /** The seq of the message the emoji picker reacts to; 0 while it is closed. */
    picking: signal(0),
    /** The members loaded so far: the first online ones, then pages. */
    members: signal(init.members),
    memberCount: signal(init.memberCount ?? 0),
    onlineCount: signal(init.onlineCount ?? 0),
    typists,
    connection: signal<ConnectionStatus>("connecting"),
    uploads: signal<UploadItem[]>([]),
    maxUploadBytes: init.maxUploadBytes,
    /** The id of the image open in the lightbox, or null. */
    viewing: signal<string | null>(null),
    hasOlder: signal((init.messages[0]?.seq ?? 1) > 1),
    loadingOlder: signal(false),
    olderError: signal(""),
    /** "server" until hydrated, so the first render matches the HTML. */
    clock: signal<Clock>("server"),
    /** The latest thing the polite live region says. */
    announcement: signal(""),
    /** Friend requests waiting for my answer, for the sidebar's badge. */
    friendRequests: signal(init.friendRequests ?? 0),
    /** Whom I blocked, as of the last load. */
    blocked: signal(new Set(init.blockedIds ?? [])),
    /** What holds back my posts: a timeout, slow mode's countdown. */
    posting: createPostingState(me),

    /** Stored then outgoing messages, as the log shows them. */
    entries: computed<Entry[]>(() => [
      ...messages.value.map((message) => ({
        message,
        status: "sent" as const,
      })),
      ...outbox.value,
    ]),
    lastSeq: computed(() => messages.value.at(-1)?.seq ?? 0),
    typingNames: computed(() =>
      Object.entries(typists.value)
        .filter(([id]) => id !== me.id)
        .map(([, typist]) => typist.name)
    ),
    /** The channel list with the open channel's count hidden: it is being read. */
    sidebarChannels,
  };
}

/** The chat page's signals. */
export type ChatState = ReturnType<typeof createChatState>;

/** The API path of the open channel, plus `suffix`. */
export function channelPath(state: ChatState, suffix = ""): string {
  return `/channels/${encodeURIComponent(state.channelId ?? "")}${suffix}`;
}

/** Reads and marks on the server: older history, read markers, the channel list. */
import { batch } from "@preact/signals";
import { api } from "./api.ts";
import { channelPath, type ChatState } from "./state.ts";
import { mergeMessages } from "./timeline.ts";
import type { NotificationSetting } from "../shared/notifications.ts";
import type { ChannelView, Message } from "./types.ts";

/** Messages per history page. */
export const PAGE_SIZE = 50;
/** How long seen messages gather before one read marker is posted. */
export const READ_DELAY_MS = 300;

/** Builds the syncing actions over `state`. */
export function createSync(state: ChatState) {
  const { messages, hasOlder, loadingOlder, olderError } = state;
  let readSent = 0;
  let readTimer: ReturnType<typeof setTimeout> | undefined;

  /** Loads the page of history just before the oldest message held. */
  async function loadOlder(): Promise<void> {
    if (loadingOlder.value || !hasOlder.value || state.channelId === null) {
      return;
    }
    const oldest = messages.value[0]?.seq;
    if (oldest === undefined) return;
    loadingOlder.value = true;
    olderError.value = "";
    try {
      const page = await api<Message[]>(
        channelPath(state, `/messages?before=${oldest}&limit=${PAGE_SIZE}`),
      );
      batch(() => {
        messages.value = mergeMessages(messages.value, page);
        hasOlder.value = page.length > 0 && page[0].seq > 1;
      });
    } catch (error) {
      olderError.value = (error as Error).message;
    } finally {
      loadingOlder.value = false;
    }
  }

  /** Notes that this user has seen messages up to `seq`; posts the marker soon. */
  function markSeen(seq: number): void {
    if (!state.channel.value?.joined || seq <= readSent) return;
    readSent = seq;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      api(channelPath(state, "/read"), {
        method: "POST",
        body: { seq: readSent },
      }).catch(() => {
        // Lost: the next message seen posts a higher marker anyway.
        readSent = 0;
      });
    }, READ_DELAY_MS);
  }

  /** Reloads the channel list (unread badges). */
  async function refreshChannels(): Promise<void> {
    try {
      const fresh = await api<ChannelView[]>("/channels");
      state.channels.value = keepNewer(fresh, state.channels.value);
    } catch {
      // Offline: the banner says so; the next reconnect resyncs the list.
    }
  }

  /** Takes the open channel's saved notification setting into the page. */
  function setNotifications(setting: NotificationSetting): void {
    batch(() => {
      const open = state.channel.value;
      if (open) state.channel.value = { ...open, ...setting };
      state.channels.value = state.channels.value.map((c) =>
        c.id === state.channelId ? { ...c, ...setting } : c
      );
    });
  }

  return { loadOlder, markSeen, refreshChannels, setNotifications };
}

/**
 * The reloaded list, except where an `activity` frame that came while the
 * request was in flight already counted newer messages: those channels keep
 * the newer seq, with the messages past the reloaded one counted as unread.
 */
export function keepNewer(
  fresh: ChannelView[],
  held: ChannelView[],
): ChannelView[] {
  const byId = new Map(held.map((c) => [c.id, c]));
  return fresh.map((channel) => {
    const local = byId.get(channel.id);
    if (!local || local.lastSeq <= channel.lastSeq) return channel;
    return {
      ...channel,
      lastSeq: local.lastSeq,
      unread: channel.unread + local.lastSeq - channel.lastSeq,
    };
  });
}

/**
 * Keeps the open page live: the channel socket (resume and backoff live in
 * `ChannelSocket`) and the unread badges. Badges have one live path, the
 * socket's `activity` frames, and one resync, a reload of the channel list on
 * every `ready` (each connect and reconnect) and when the tab comes back into
 * view: that covers whatever happened while the socket was down and reads
 * made in another tab. There is no timer.
 */
import type { Alerts } from "./alerts.ts";
import { api, ApiFailure } from "./api.ts";
import { refreshPeople } from "./friends.ts";
import { ChannelSocket } from "./socket.ts";
import { BANNED_CLOSE_REASON } from "../shared/limits.ts";
import type { ChatStore } from "./store.ts";

/** The live connection of a page. */
export interface Live {
  /** Tells the channel this user is typing (throttled). */
  typing(): void;
  /** Reconnects now instead of waiting out the backoff. */
  reconnectNow(): void;
  /** Stops everything (leaving the page). */
  stop(): void;
}

/** Connects the store to the server; call once, in the browser. `alerts` sees each frame first. */
export function startLive(store: ChatStore, alerts?: Alerts): Live {
  const joined = store.channelId !== null && store.channel.value?.joined;
  let lastResync = 0;
  const resync = () => {
    // A reconnect and a focus often come together: one reload serves both.
    if (Date.now() - lastResync < 1000) return;
    lastResync = Date.now();
    void store.refreshChannels();
  };
  const socket = joined
    ? new ChannelSocket(store.channelId!, {
      onFrame(frame) {
        alerts?.onFrame(frame);
        store.onFrame(frame);
        if (frame.type === "ready") {
          resync();
          // Back online: what failed while away goes out now, same clientIds.
          void store.retryWaiting();
        } // A channel gained elsewhere: the list reloads, with its counts.
        else if (frame.type === "channel_added") void store.refreshChannels();
        else if (frame.type === "friends_changed") {
          void refreshPeople(store);
        }
      },
      onStatus(status, failures) {
        store.connection.value = status;
        // Repeated failures may mean the session ended rather than the network.
        if (status === "offline" && failures === 2) {
          void checkAccess(store.channelId!);
        }
      },
      afterSeq: () => store.lastSeq.value,
      afterRev: () => store.rev.value,
      onClosed(code, reason) {
        // A ban ends every session at once: the front door says why.
        if (code !== 1008 || reason !== BANNED_CLOSE_REASON) return false;
        location.assign("/?banned");
        return true;
      },
    })
    : null;
  socket?.start();

  const onShow = () => {
    if (document.visibilityState !== "visible") return;
    resync();
    socket?.reconnectNow();
  };
  const onOnline = () => socket?.reconnectNow();
  const onHide = () => socket?.stop();
  // A page restored from the back-forward cache reconnects, resuming after its last seq.
  const onRestore = (event: PageTransitionEvent) =>
    event.persisted && socket?.start();
  document.addEventListener("visibilitychange", onShow);
  addEventListener("focus", onShow);
  addEventListener("online", onOnline);
  addEventListener("pagehide", onHide);
  addEventListener("pageshow", onRestore);

  return {
    typing() {
      if (socket && store.typingDue()) socket.send({ type: "typing" });
    },
    reconnectNow: () => socket?.reconnectNow(),
    stop() {
      document.removeEventListener("visibilitychange", onShow);
      removeEventListener("focus", onShow);
      removeEventListener("online", onOnline);
      removeEventListener("pagehide", onHide);
      removeEventListener("pageshow", onRestore);
      socket?.stop();
    },
  };
}

// A socket that keeps failing while the server answers means the session
// ended (401) or the channel is gone for this user (403, 404): go to the
// front door, which sends them wherever they still belong.
async function checkAccess(channelId: string): Promise<void> {
  try {
    await api(`/channels/${encodeURIComponent(channelId)}/members`);
  } catch (error) {
    if (
      error instanceof ApiFailure && [401, 403, 404].includes(error.status)
    ) {
      location.assign("/");
    }
  }
}

import { listUserChannelIds } from "./db/channels.ts";
import { getLastSeq, listMessages } from "./db/messages.ts";
import type { Session } from "./auth/session.ts";
import { log } from "./log.ts";
import { postMessage, rosterWithPresence } from "./chat.ts";
import { ActivityWatch } from "./realtime/activity.ts";
import { presenceEvent, typingEvent } from "./realtime/hub.ts";
import { ChannelSession } from "./realtime/channel_session.ts";
import type { Services } from "./services.ts";

// One typing notice per user and channel per this long is plenty for "is typing…".
const TYPING_INTERVAL_MS = 2000;
const lastTyping = new Map<string, number>();

// setTimeout takes at most 2^31 - 1 ms; a later expiry is waited for in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a socket was opened with: its user and the token that let it in. */
export type SocketCredentials = Pick<Session, "user" | "jti" | "exp">;

/**
 * Runs a channel socket for a member: backlog and live frames out, messages
 * and typing in. The socket lives no longer than its token: it is closed when
 * the token expires, and when it is signed out (see `closeSocketsOfToken`).
 */
export function attachChannelSocket(
  services: Services,
  socket: WebSocket,
  credentials: SocketCredentials,
  channelId: string,
  afterSeq: number | undefined,
): ChannelSession {
  const { kv, hub, presence } = services;
  const { user } = credentials;
  const opened = performance.now();
  listenForSignOuts(services);
  services.sockets.set(socket, { jti: credentials.jti });
  if (presence.connect(user.id)) void announcePresence(services, user.id, true);

  const session = new ChannelSession(socket, {
    channelId,
    hub,
    afterSeq,
    userId: user.id,
    loadAfter: (after, limit) => listMessages(kv, channelId, { after, limit }),
    lastSeq: () => getLastSeq(kv, channelId),
    // Sockets often open in crowds (a restart, a busy channel): they share one read.
    loadMembers: () => rosterWithPresence(services, channelId),
    async onClientFrame(frame) {
      // No per-frame membership read: leaving publishes a member event that
      // closes the leaver's sockets on every instance. Storing must also begin
      // before any await, so that frames keep their order (see Inbound).
      if (frame.type === "message") {
        const { message, created } = await postMessage(
          services,
          user,
          channelId,
          {
            content: frame.content,
            clientId: frame.clientId,
          },
        );
        if (!created) session.answerDuplicate(message);
      } else {
        const key = `${channelId}\u0000${user.id}`;
        const now = Date.now();
        if (now - (lastTyping.get(key) ?? 0) < TYPING_INTERVAL_MS) return;
        lastTyping.set(key, now);
        if (lastTyping.size > 10_000) pruneTyping(now);
        hub.publish(channelId, typingEvent(user));
      }
    },
  });
  log("info", "socket open", {
    channelId,
    userId: user.id,
    afterSeq: afterSeq ?? null,
  });

  // The user's other channels, for live unread badges on this page.
  const activity = new ActivityWatch(
    hub,
    user.id,
    (frameText) => session.sendFrame(frameText),
    { except: channelId },
  );
  listUserChannelIds(kv, user.id).then(
    (ids) => activity.watch(ids),
    (error) =>
      // KV closes during shutdown; badges then catch up on the next page load.
      log("debug", "channel activity not watched", { error: String(error) }),
  );

  let expiry: ReturnType<typeof setTimeout> | undefined;
  const closeAtExpiry = () => {
    const left = credentials.exp * 1000 - Date.now();
    if (left <= 0) session.close(1008, "Session expired, sign in again");
    else expiry = setTimeout(closeAtExpiry, Math.min(left, MAX_TIMER_MS));
  };
  closeAtExpiry();

  void session.closed.then(({ code }) => {
    clearTimeout(expiry);
    activity.close();
    services.sockets.delete(socket);
    presence.disconnect(
      user.id,
      () => void announcePresence(services, user.id, false),
    );
    log("info", "socket closed", {
      channelId,
      userId: user.id,
      code,
      ms: Math.round(performance.now() - opened),
    });
  });
  return session;
}

/**
 * Closes the sockets opened with token `jti`, which was just signed out, on
 * every instance: the hub relays the news to the others.
 */
export function closeSocketsOfToken(services: Services, jti: string): void {
  services.hub.announce({ type: "revoked", jti });
}

// Each Services listens once, from its first socket on, for tokens signed out
// here or on another instance.
const listening = new WeakSet<Services>();

function listenForSignOuts(services: Services): void {
  if (listening.has(services)) return;
  listening.add(services);
  services.hub.onControl((message) => {
    if (message.type !== "revoked") return;
    for (const [socket, opened] of services.sockets) {
      if (opened.jti !== message.jti) continue;
      try {
        socket.close(1008, "Signed out");
      } catch {
        // Already closing.
      }
    }
  });
}

// Entries outlive sockets on purpose (a reconnect must not reset the limit);
// stale ones are dropped in bulk once the map grows.
function pruneTyping(now: number): void {
  for (const [key, at] of lastTyping) {
    if (now - at >= TYPING_INTERVAL_MS) lastTyping.delete(key);
  }
}

// Presence goes to every channel the user belongs to, not only the one they opened.
async function announcePresence(
  services: Services,
  userId: string,
  online: boolean,
) {
  try {
    const channelIds = await listUserChannelIds(services.kv, userId);
    const event = presenceEvent(userId, online);
    for (const id of channelIds) services.hub.publish(id, event);
  } catch (error) {
    // KV closes during shutdown; a lost presence notice then is harmless.
    log("debug", "presence not announced", { userId, error: String(error) });
  }
}

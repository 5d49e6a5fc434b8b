/**
 * Use cases of a channel's socket: opening it for a member (backlog, live
 * frames, posts and typing in), and closing the sockets of a signed-out token.
 * A socket is authorized once, when it opens: leaving the channel or signing
 * out closes it, so frames need no check of their own.
 */
import { listUserChannelIds } from "../db/channels.ts";
import { readCounterSince } from "../db/counter_reads.ts";
import { readerOf } from "../db/open.ts";
import { listMessages } from "../db/messages.ts";
import { listChanges } from "../db/message_changes.ts";
import { authenticateToken, type Session } from "../auth/session.ts";
import { ApiError } from "../errors.ts";
import { log } from "../log.ts";
import { isAllowedOrigin } from "../http/origin.ts";
import { ActivityWatch } from "../realtime/activity.ts";
import { atTime } from "../realtime/deadlines.ts";
import { presenceEvent, typingEvent } from "../realtime/hub.ts";
import {
  upgradeChannelSocket,
  type UpgradedChannelSocket,
} from "../realtime/channel_upgrade.ts";
import type { Services } from "../services.ts";
import { BANNED_CLOSE_REASON } from "../shared/limits.ts";
import { socketQuery } from "../shared/requests.ts";
import { validate } from "../validation.ts";
import { readyMembers } from "./membership.ts";
import { listenForFaces } from "./member_faces.ts";
import { listenForPeers } from "./peer_presence.ts";
import { editOwnMessage, react, removeMessage } from "./message_changes.ts";
import { postMessage } from "./messages.ts";
import { type ChannelMember, channelMember } from "./standing.ts";

// One typing notice per user and channel per this long is plenty for "is typing…".
const TYPING_INTERVAL_MS = 2000;
const lastTyping = new Map<string, number>();

/** What a socket was opened with: its user and the token that let it in. */
export type SocketCredentials = Pick<Session, "user" | "jti" | "exp">;

/** What a client opens a channel socket with. */
export interface SocketRequest {
  /** The upgrade request itself. */
  req: Request;
  /** Who the request's header or cookie says is asking (null: nobody). */
  session: SocketCredentials | null;
}

/**
 * Upgrades a request to a channel socket: 426 without an upgrade, 403 from a
 * foreign origin, 422 for a bad query, 401 without a valid token (`?token=`
 * wins over the session), 404/403 for a channel the user cannot read, 400 for
 * a broken handshake, 429 past `--user-sockets`. Returns the 101 response.
 */
export async function openChannelSocket(
  services: Services,
  channelId: string,
  { req, session }: SocketRequest,
): Promise<Response> {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket", {
      upgrade: "websocket",
    });
  }
  // Browsers always send Origin; a socket from another site must not ride on
  // the cookie. Bots and CLIs send none and are judged by their token alone.
  const origin = req.headers.get("origin");
  if (
    origin !== null && !isAllowedOrigin(
      req,
      origin,
      services.config.origins,
      services.config.trustProxy,
    )
  ) {
    throw new ApiError(
      403,
      "origin_not_allowed",
      `Origin "${origin}" is not allowed`,
    );
  }
  const query = new URL(req.url).searchParams;
  const { token, after, rev } = validate(
    Object.fromEntries(query),
    socketQuery,
  );
  // The token's standing and the membership of the channel in one KV read
  // (the session middleware reads the cookie's the same way).
  const credentials = token !== undefined
    ? await authenticateToken(services, token, channelId)
    : session;
  if (!credentials) {
    throw new ApiError(
      401,
      "unauthorized",
      "Sign in first: the token is missing, invalid or expired",
    );
  }
  const member = await channelMember(services, channelId, credentials.user);
  const { user } = member;
  const { kv, hub } = services;
  const release = await services.quotas.openSocket(user.id);
  let upgraded: UpgradedChannelSocket;
  // `ready` gives the seq and rev of one read, begun after the session
  // subscribed (sockets opening together share it).
  let counter: ReturnType<typeof readCounterSince> | undefined;
  const readCounter = () =>
    counter ??= readCounterSince(readerOf(kv), channelId);
  try {
    upgraded = upgradeChannelSocket(req, {
      channelId,
      hub,
      afterSeq: after,
      userId: user.id,
      loadAfter: (after, limit) =>
        listMessages(kv, channelId, { after, limit }),
      lastSeq: async () => (await readCounter()).seq,
      lastRev: async () => (await readCounter()).rev,
      afterRev: rev,
      loadChanges: (since, maxSeq, limit) =>
        listChanges(kv, channelId, since, { maxSeq, limit }),
      // Sockets often open in crowds (a restart, a busy channel): they share one read.
      loadMembers: () => readyMembers(member),
      async onClientFrame(frame) {
        // No per-frame membership read: leaving publishes a member event that
        // closes the leaver's sockets on every instance. Storing must also
        // begin before any await, so that frames keep their order.
        switch (frame.type) {
          case "message": {
            const { message, created } = await postMessage(member, {
              content: frame.content,
              clientId: frame.clientId,
              replyTo: frame.replyTo,
            });
            if (!created) upgraded.session.answerDuplicate(message);
            break;
          }
          case "edit":
            await editOwnMessage(member, frame.seq, frame.content);
            break;
          case "delete":
            await removeMessage(member, frame.seq);
            break;
          case "react":
            await react(member, frame.seq, frame.emoji, frame.add);
            break;
          case "typing":
            typing(member);
        }
      },
    });
  } catch (error) {
    release();
    // An "Upgrade: websocket" without a proper handshake (no
    // Sec-WebSocket-Key, another version, no "Connection: upgrade"):
    // Deno refuses it with a TypeError, which is the client's fault.
    if (!(error instanceof TypeError)) throw error;
    throw new ApiError(
      400,
      "bad_handshake",
      `Not a valid WebSocket handshake: ${error.message}`,
    );
  }
  keepAlongside(member, upgraded, credentials, after);
  void upgraded.session.closed.then(release);
  return upgraded.response;
}

/** Announces that the member is typing, at most once per interval. */
function typing({ services, user, channelId }: ChannelMember): void {
  const key = `${channelId}\u0000${user.id}`;
  const now = Date.now();
  if (now - (lastTyping.get(key) ?? 0) < TYPING_INTERVAL_MS) return;
  lastTyping.set(key, now);
  if (lastTyping.size > 10_000) pruneTyping(now);
  services.hub.publish(channelId, typingEvent(user));
}

/**
 * What lives alongside a member's socket: its place among the open sockets,
 * presence, unread activity of the user's other channels, and its end. The
 * socket lives no longer than its token: it is closed when the token expires,
 * and on every instance when it is signed out (`signOut` announces the
 * revoked token on the hub).
 */
function keepAlongside(
  member: ChannelMember,
  { session, socket }: UpgradedChannelSocket,
  credentials: SocketCredentials,
  afterSeq: number | undefined,
): void {
  const { services, user, channelId } = member;
  const { kv, hub, presence } = services;
  const opened = performance.now();
  listenForSignOuts(services);
  listenForPeers(services);
  listenForFaces(services);
  services.sockets.set(socket, { jti: credentials.jti, userId: user.id });
  // The user's channels, read once for both presence and unread badges.
  const channelIds = listUserChannelIds(kv, user.id);
  if (presence.connect(user.id)) {
    void announcePresence(services, user.id, true, channelIds);
  }
  // Debug only: the request line already logs the upgrade, and "socket
  // closed" the socket's whole life; a storm of connects wrote both.
  log("debug", "socket open", {
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
  channelIds.then(
    (ids) => activity.watch(ids),
    (error) =>
      // KV closes during shutdown; badges then catch up on the next page load.
      log("debug", "channel activity not watched", { error: String(error) }),
  );

  // One timer for every socket's expiry, not one each (see deadlines.ts).
  const forgetExpiry = atTime(
    credentials.exp * 1000,
    () => session.close(1008, "Session expired, sign in again"),
  );

  void session.closed.then(({ code }) => {
    forgetExpiry();
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
}

// Each Services listens once, from its first socket on, for tokens signed out
// here or on another instance.
const listening = new WeakSet<Services>();

function listenForSignOuts(services: Services): void {
  if (listening.has(services)) return;
  listening.add(services);
  services.hub.onControl((message) => {
    if (message.type !== "revoked" && message.type !== "banned") return;
    for (const [socket, opened] of services.sockets) {
      const ends = message.type === "revoked"
        ? opened.jti === message.jti
        : opened.userId === message.userId;
      if (!ends) continue;
      try {
        socket.close(
          1008,
          message.type === "banned" ? BANNED_CLOSE_REASON : "Signed out",
        );
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

// Presence goes to every channel the user belongs to, not only the one they
// opened, and to this instance's sockets only: each instance announces what
// changed in the union it knows (news from peers: `peer_presence.ts`).
async function announcePresence(
  services: Services,
  userId: string,
  online: boolean,
  ids: Promise<string[]> = listUserChannelIds(services.kv, userId),
) {
  try {
    const channelIds = await ids;
    const event = presenceEvent([{ userId, online }]);
    for (const id of channelIds) services.hub.publishHere(id, event);
  } catch (error) {
    // KV closes during shutdown; a lost presence notice then is harmless.
    log("debug", "presence not announced", { userId, error: String(error) });
  }
}

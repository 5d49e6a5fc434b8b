/**
 * The friends page's live line: a stream of server-sent events (`GET
 * /friends/events`) saying `friends_changed` whenever the user's friends,
 * requests or blocks change, on any instance (the hub's control messages
 * travel the relay). The page has no channel socket, and needs nothing more
 * than this one word, so a one-way stream does. It ends when the token is
 * signed out or expires, or the user is banned.
 */
import type { Session } from "../auth/session.ts";
import type { Services } from "../services.ts";

// Proxies and the idle timeout close a connection that moves no bytes.
const KEEP_ALIVE_MS = 15_000;
// setTimeout takes at most 2^31 - 1 ms; a later expiry is waited for in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The `text/event-stream` response for `session`'s user. */
export function friendsEventStream(
  services: Services,
  session: Pick<Session, "user" | "jti" | "exp">,
): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The stream ended meanwhile: nothing to tell.
        }
      };
      let expiry: ReturnType<typeof setTimeout> | undefined;
      const keepAlive = setInterval(
        () => send(": keep-alive\n\n"),
        KEEP_ALIVE_MS,
      );
      const offControl = services.hub.onControl((message) => {
        const mine = "userId" in message && message.userId === session.user.id;
        if (message.type === "friends" && mine) {
          send("event: friends_changed\ndata: {}\n\n");
        } else if (
          (message.type === "banned" && mine) ||
          (message.type === "revoked" && message.jti === session.jti)
        ) end();
      });
      const closeAtExpiry = () => {
        const left = session.exp * 1000 - Date.now();
        if (left <= 0) end();
        else expiry = setTimeout(closeAtExpiry, Math.min(left, MAX_TIMER_MS));
      };
      stop = () => {
        clearInterval(keepAlive);
        clearTimeout(expiry);
        offControl();
      };
      const end = () => {
        stop();
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      };
      // Two chunks: the server sends the head once a body has more than one,
      // so the browser knows at once that the stream is open.
      send("retry: 3000\n\n");
      send(": open\n\n");
      closeAtExpiry();
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // Never compressed (a compressor holds small writes back) nor cached.
      "cache-control": "private, no-store, no-transform",
    },
  });
}

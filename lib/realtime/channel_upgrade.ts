/** Upgrading a request to a channel socket, with Deno's idle ping, and starting its session. */
import { ChannelSession } from "./channel_session.ts";
import {
  type ChannelSessionOptions,
  IDLE_TIMEOUT_SECONDS,
} from "./channel_session_options.ts";

/** Upgrades `req` with Deno's idle-ping timeout (seconds) and starts a session on the socket. */
export function upgradeChannelSocket(
  req: Request,
  opts: ChannelSessionOptions,
  idleTimeout: number = IDLE_TIMEOUT_SECONDS,
): { response: Response; session: ChannelSession } {
  const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
  return { response, session: new ChannelSession(socket, opts) };
}

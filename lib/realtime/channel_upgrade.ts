/** Upgrading a request to a channel socket, with an idle ping, and starting its session. */
import { ChannelSession } from "./channel_session.ts";
import {
  type ChannelSessionOptions,
  IDLE_TIMEOUT_SECONDS,
} from "./channel_session_options.ts";
import { type ServerSocket, upgradeServerSocket } from "./server_socket.ts";

/** A started channel socket: the 101 response to send, its session and the raw socket. */
export interface UpgradedChannelSocket {
  response: Response;
  session: ChannelSession;
  socket: ServerSocket;
}

/**
 * Upgrades `req` with an idle timeout (seconds) and starts a session on the
 * socket. Throws a TypeError for a request that is not a valid WebSocket
 * handshake.
 */
export function upgradeChannelSocket(
  req: Request,
  opts: ChannelSessionOptions,
  idleTimeout: number = IDLE_TIMEOUT_SECONDS,
): UpgradedChannelSocket {
  const { socket, response } = upgradeServerSocket(req, idleTimeout);
  return { response, session: new ChannelSession(socket, opts), socket };
}

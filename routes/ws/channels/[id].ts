import { z } from "zod";
import { authenticateToken } from "../../../lib/auth/session.ts";
import { attachChannelSocket } from "../../../lib/chat_socket.ts";
import { requireMember } from "../../../lib/db/channels.ts";
import { ApiError } from "../../../lib/errors.ts";
import { readQuery } from "../../../lib/http/body.ts";
import { isAllowedOrigin } from "../../../lib/http/origin.ts";
import { IDLE_TIMEOUT_SECONDS } from "../../../lib/realtime/channel_session.ts";
import { define } from "../../../utils.ts";

const query = z.object({
  token: z.string().optional(),
  after: z.string().regex(/^\d{1,15}$/, "after must be a whole number")
    .transform(Number)
    .optional(),
});

export const handler = define.handlers({
  async GET(ctx) {
    const { req, state } = ctx;
    const { services } = state;
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "Connect with a WebSocket", {
        upgrade: "websocket",
      });
    }
    // Browsers always send Origin; a socket from another site must not ride on
    // the cookie. Bots and CLIs send none and are judged by their token alone.
    const origin = req.headers.get("origin");
    if (
      origin !== null && !isAllowedOrigin(req, origin, services.config.origins)
    ) {
      throw new ApiError(
        403,
        "origin_not_allowed",
        `Origin "${origin}" is not allowed`,
      );
    }
    const { token, after } = readQuery(ctx.url, query);
    // The root middleware already checked a header or cookie token.
    const session = token !== undefined
      ? await authenticateToken(services, token)
      : state.session;
    if (!session) {
      throw new ApiError(
        401,
        "unauthorized",
        "Sign in first: the token is missing, invalid or expired",
      );
    }
    await requireMember(services.kv, ctx.params.id, session.user.id);
    let upgraded;
    try {
      upgraded = Deno.upgradeWebSocket(req, {
        idleTimeout: IDLE_TIMEOUT_SECONDS,
      });
    } catch (error) {
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
    const { socket, response } = upgraded;
    attachChannelSocket(services, socket, session, ctx.params.id, after);
    return response;
  },
});

/**
 * The fan-out baseline: a bare `Deno.upgradeWebSocket` server that sends each
 * text message it receives to every open socket. No auth, no storage, no
 * ordering or flow control. Run: `deno run -A bench/bare_broadcast_server.ts --port 0`.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: { port: { type: "string", default: "0" } },
});
const sockets = new Set<WebSocket>();

Deno.serve({
  port: Number(values.port),
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/`),
}, (req) => {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("WebSocket only", { status: 426 });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onopen = () => sockets.add(socket);
  socket.onclose = () => sockets.delete(socket);
  socket.onmessage = (e) => {
    for (const peer of sockets) {
      if (peer.readyState === WebSocket.OPEN) peer.send(e.data);
    }
  };
  return response;
});
// Exit normally on SIGTERM so that profilers and coverage can write their output.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

/**
 * The fan-out baseline: a bare `Deno.upgradeWebSocket` server that sends each
 * text message it receives to every open socket. No auth, no storage, no
 * ordering or flow control. Run: `deno run -A bench/bare_broadcast_server.ts --port 0`.
 *
 * With `--ready-members N --presence` it also sends what Hearth's protocol
 * sends when a socket connects, and nothing else of Hearth: the new socket gets
 * a `ready` frame listing N members, and every socket already open hears a
 * `presence` frame. That separates the cost of the protocol (traffic every
 * server speaking it must send) from the cost of Hearth's implementation.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "0" },
    "ready-members": { type: "string", default: "0" },
    presence: { type: "boolean", default: false },
  },
});
const READY_MEMBERS = Number(values["ready-members"]);
const sockets = new Set<WebSocket>();
// Shaped like Hearth's `ready` members; one comes online per connection.
const members = Array.from({ length: READY_MEMBERS }, (_, i) => ({
  id: crypto.randomUUID(),
  username: `user${i}`,
  displayName: `user${i}`,
  online: false,
}));
let connections = 0;

function greet(socket: WebSocket): void {
  const member = members[connections++ % Math.max(1, members.length)];
  if (member) member.online = true;
  if (values.presence) {
    // Serialised once, like Hearth's hub does for each published event.
    const text = JSON.stringify({
      type: "presence",
      userId: member?.id ?? crypto.randomUUID(),
      online: true,
    });
    for (const peer of sockets) {
      if (peer.readyState === WebSocket.OPEN) peer.send(text);
    }
  }
  if (READY_MEMBERS > 0) {
    // Built per socket, as Hearth builds it with the presence of the moment.
    socket.send(
      JSON.stringify({ type: "ready", channelId: "c", lastSeq: 0, members }),
    );
  }
}

Deno.serve({
  port: Number(values.port),
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/`),
}, (req) => {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("WebSocket only", { status: 426 });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onopen = () => {
    greet(socket);
    sockets.add(socket);
  };
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

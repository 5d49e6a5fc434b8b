/**
 * A server for the descriptor tests, run as its own process under a low
 * `ulimit -n`: serves "ok" through Hearth's `serveHttp` (watchdog included),
 * then opens files until none are left and holds them. A line on stdin
 * releases them; stdout says `port N` once listening and `held N` once full.
 */
import { serveHttp } from "../../lib/http/serve.ts";

const server = await serveHttp({
  port: 0,
  hostname: "127.0.0.1",
  limits: { headerTimeoutMs: 5000, idleTimeoutMs: 10_000, perAddress: 0 },
}, () => Promise.resolve(new Response("ok")));
// As main.ts does once listening. (Without a signal listener set up before the
// descriptors run out, Deno 2.9 panics in ext/signals when the failed accept
// comes: a runtime bug of its own, which Hearth's start never meets.)
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
console.log(`port ${server.addr.port}`);
const held: Deno.FsFile[] = [];
try {
  while (true) held.push(Deno.openSync("/dev/null"));
} catch {
  // Out of descriptors: exactly the point.
}
console.log(`held ${held.length}`);
const line = new Uint8Array(16);
await Deno.stdin.read(line);
for (const file of held) file.close();
console.log("released");
await Deno.stdin.read(line);

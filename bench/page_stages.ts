/**
 * Where a cached page of history spends the server's JavaScript thread, in
 * process and without sockets: each stage of an authenticated
 * `GET /channels/{id}/messages?limit=50` called in a loop, one at a time, in
 * microseconds per call (wall time of a sequential loop, so about the JS
 * thread's CPU; a KV read also keeps SQLite's thread busy, not counted).
 *
 *   deno run -A bench/page_stages.ts [--calls 20000] > /dev/null
 *
 * The figures go to stderr; stdout takes the request log, written as the
 * server writes it (its cost is part of the handler's).
 *
 * Stages: the bridge's `Request` from a `node:http` request, the whole app
 * handler (envelope, routing, auth, the page) with that `Request`, the KV read
 * of a token's standing and membership, and the same from the standing
 * memory (what a repeated page by the same token pays instead).
 */
import { parseArgs } from "node:util";
import type { IncomingMessage } from "node:http";
import { StandingMemory } from "../lib/auth/standing_memory.ts";
import { verifyToken } from "../lib/auth/token.ts";
import { readTokenStanding } from "../lib/db/sessions.ts";
import { toRequest } from "../lib/http/node_bridge.ts";
import { buildHandler } from "../lib/server.ts";
import { createChannel, postMessage, signUp } from "../tests/helpers/api.ts";
import { startTestServer } from "../tests/helpers/server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { calls: { type: "string", default: "20000" } },
});
const CALLS = Number(values.calls);

const server = await startTestServer();
try {
  const alice = await signUp(server.base);
  const channel = await createChannel(alice.api);
  for (let i = 0; i < 50; i++) {
    await postMessage(alice.api, channel.id, `message ${i} ${"x".repeat(300)}`);
  }
  const { services } = server;
  const handler = await buildHandler(services);
  const info = {
    remoteAddr: { transport: "tcp" as const, hostname: "127.0.0.1", port: 1 },
    completed: Promise.resolve(),
  };
  const path = `/channels/${channel.id}/messages?limit=50`;
  // What the bridge reads of a node:http request.
  const incoming = {
    rawHeaders: [
      "host",
      "127.0.0.1:8000",
      "authorization",
      `Bearer ${alice.token}`,
      "accept-encoding",
      "gzip, deflate, br",
      "user-agent",
      "autocannon",
    ],
    url: path,
    headers: { host: "127.0.0.1:8000" },
    method: "GET",
  } as unknown as IncomingMessage;
  const claims = (await verifyToken(services.signingKey, alice.token))!;
  const memory = new StandingMemory(services);

  const stage = async (name: string, call: () => unknown) => {
    for (let i = 0; i < CALLS / 10; i++) await call();
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await call();
    const micros = (performance.now() - started) / CALLS * 1000;
    console.error(`${name.padEnd(44)} ${micros.toFixed(1)} µs`);
  };
  await stage(
    "Request from node:http (toRequest)",
    () => toRequest(incoming, "localhost", true),
  );
  await stage("app handler, Request included", async () => {
    const response = await handler(
      toRequest(incoming, "localhost", true),
      info,
    );
    if (response.status !== 200) throw new Error(`${response.status}`);
  });
  await stage(
    "KV read: standing and membership",
    () => readTokenStanding(services.kv, claims.sub, claims.jti, channel.id),
  );
  await stage(
    "standing memory, kept",
    () => memory.read(claims.sub, claims.jti, channel.id),
  );
} finally {
  await server.shutdown();
}

import { type Config, parseConfig } from "../../lib/config.ts";
import { type RunningServer, startServer } from "../../lib/server.ts";
// Log lines are buffered from here on and shown only for a failing test.
import { showLogOnFailure } from "./server_log.ts";
import { startKvConnectServer } from "./kv_connect_server.ts";

/**
 * `HEARTH_TEST_DB=kv-connect` runs the in-process suites on a fresh KV
 * Connect test server each (instead of `:memory:`), to see what a remote
 * database changes.
 */
const ON_KV_CONNECT = Deno.env.get("HEARTH_TEST_DB") === "kv-connect";
const KV_CONNECT_TOKEN = "hearth-test-kv-connect-token";

/**
 * Starts a real server on 127.0.0.1 with a free port and in-memory KV. It runs
 * with `--registration open`, so suites sign up as many accounts as they need;
 * a suite about registration passes its own `--registration`, which wins.
 */
export async function startTestServer(
  args: string[] = [],
  overrides: Partial<Config> = {},
): Promise<RunningServer & { base: string }> {
  const kvConnect = ON_KV_CONNECT
    ? await startKvConnectServer({ token: KV_CONNECT_TOKEN })
    : null;
  if (kvConnect) Deno.env.set("DENO_KV_ACCESS_TOKEN", KV_CONNECT_TOKEN);
  const parsed = parseConfig(
    // No per-address cap: every test client is 127.0.0.1 (the attack tests set one).
    [
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--db",
      kvConnect?.url ?? ":memory:",
      "--registration",
      "open",
      "--max-conns-per-address",
      "0",
      ...args,
    ],
    () => undefined,
  );
  if (parsed.kind !== "serve") {
    throw new Error(`bad test config: ${JSON.stringify(parsed)}`);
  }
  // Presence goes offline at once unless a test asks for the grace period,
  // so tests that watch someone leave need not wait for it.
  // Per-user limits are off unless a test asks for them: most tests post
  // faster than a person would, and the limits have tests of their own.
  let server: RunningServer;
  try {
    server = await startServer({
      ...parsed.config,
      offlineGraceMs: 0,
      userLimits: { ...parsed.config.userLimits, enabled: false },
      ...overrides,
    });
  } catch (error) {
    await kvConnect?.close();
    throw error;
  }
  const shutdown = async () => {
    await server.shutdown();
    await kvConnect?.close();
  };
  return { ...server, shutdown, base: `http://127.0.0.1:${server.port}` };
}

/** Runs a test body against a fresh server, shows its log if the body fails, and always shuts it down. */
export async function withServer(
  body: (server: RunningServer & { base: string }) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  const server = await startTestServer(args);
  try {
    await showLogOnFailure(`the server at ${server.base}`, () => body(server));
  } finally {
    await server.shutdown();
  }
}

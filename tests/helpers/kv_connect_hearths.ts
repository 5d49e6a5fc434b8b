/**
 * Separate Hearth processes sharing one KV Connect database (the test server
 * of kv_connect_server.ts), as `hearth --db http://... --relay kv` runs on
 * several machines: each process is `deno run -A main.ts` of its own, with
 * the access token in its environment.
 */
import { type Spawned, spawnHearth } from "./process.ts";
import { startKvConnectServer } from "./kv_connect_server.ts";

/** How the processes hear each other (`--relay`). */
export type ProcessRelay = "off" | "kv";

/** Where a KV Connect database answers, and its access token. */
export interface KvConnectTarget {
  url: string;
  token: string;
}

/** Starts one Hearth process on the KV Connect database `target`; `env` adds to its environment. */
export function spawnKvConnectHearth(
  target: KvConnectTarget,
  relay: ProcessRelay,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Spawned> {
  return spawnHearth({
    db: target.url,
    args: ["--relay", relay, ...args],
    env: {
      DENO_KV_ACCESS_TOKEN: target.token,
      HEARTH_BCRYPT_COST: "4",
      NO_COLOR: "1",
      ...env,
    },
  });
}

/**
 * Starts a KV Connect test server and `count` Hearth processes on it, runs
 * `body`, and always stops the processes and the server.
 */
export async function withKvConnectHearths(
  count: number,
  relay: ProcessRelay,
  body: (processes: Spawned[], target: KvConnectTarget) => Promise<void>,
): Promise<void> {
  const server = await startKvConnectServer();
  const processes: Spawned[] = [];
  try {
    // One at a time: the first creates the database's first rows (the signing key).
    for (let i = 0; i < count; i++) {
      processes.push(await spawnKvConnectHearth(server, relay));
    }
    await body(processes, server);
  } catch (error) {
    for (const [i, p] of processes.entries()) {
      console.error(`--- process ${i} (pid ${p.pid}) output:`);
      console.error(p.output().slice(-30).join("\n"));
    }
    throw error;
  } finally {
    for (const p of processes) await p.stop();
    await server.close();
  }
}

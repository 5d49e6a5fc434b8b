/**
 * Several Hearth instances, each in its own worker (its own isolate, hub,
 * sockets and per-process state), sharing one KV file and one relay, as
 * instances behind a load balancer share them.
 */
import type { Config } from "../../lib/config.ts";
import { withDeadline } from "./deadline.ts";
import type { InstanceCommand, InstanceReport } from "./_instance_worker.ts";

/** A running instance: its base URL, and how to stop it. */
export interface Instance {
  base: string;
  stop(): Promise<void>;
  /** Ends the instance's worker at once, as a crash would: no shutdown, no goodbye. */
  kill(): void;
}

/** Which relays the instances run: broadcast (the default), kv, both, or none. */
export type RelayMode = "broadcast" | "kv" | "both" | "off";

/**
 * Starts `count` instances on one temporary database and relay, runs `body`
 * with their base URLs, and always stops them and removes the database.
 */
export async function withInstances(
  count: number,
  body: (instances: Instance[]) => Promise<void>,
  mode: RelayMode = "broadcast",
  overrides: Partial<Config> = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-instances-" });
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const instances: Instance[] = [];
  try {
    // One at a time: both would otherwise create the database's first rows at once.
    for (let i = 0; i < count; i++) {
      instances.push(
        await startInstance(`${dir}/hearth.db`, relay, mode, [], overrides),
      );
    }
    await body(instances);
  } finally {
    for (const instance of instances) await instance.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Starts one instance in a worker on the database file `db`, joining the
 * BroadcastChannel `relay` and/or relaying through KV as `mode` says; `args`
 * are more command-line flags (such as `--secret`), `overrides` config the
 * flags do not reach.
 */
export async function startInstance(
  db: string,
  relay: string,
  mode: RelayMode,
  args: string[] = [],
  overrides: Partial<Config> = {},
): Promise<Instance> {
  const worker = new Worker(
    new URL("./_instance_worker.ts", import.meta.url),
    { type: "module" },
  );
  const reply = (what: string, ms: number) =>
    withDeadline(
      new Promise<InstanceReport>((resolve) => {
        worker.onmessage = (e: MessageEvent<InstanceReport>) => resolve(e.data);
        worker.onerror = (e) => {
          e.preventDefault();
          resolve({ op: "failed", error: e.message });
        };
      }),
      ms,
      what,
    );
  const send = (command: InstanceCommand) => worker.postMessage(command);
  // A cold worker loads and transpiles the whole server first: slow on a busy
  // machine. It says when it listens; a command sent earlier could be lost.
  const ready = await reply("an instance's worker loading", 60_000).catch(
    (error) => {
      worker.terminate();
      throw error;
    },
  );
  if (ready.op !== "ready") {
    worker.terminate();
    throw new Error(`The worker did not load: ${JSON.stringify(ready)}`);
  }
  const started = reply("an instance starting in its worker", 60_000);
  send({
    op: "start",
    db,
    relay: mode === "kv" || mode === "off" ? false : relay,
    kvRelay: mode === "kv" || mode === "both",
    args,
    overrides,
  });
  const report = await started.catch((error) => {
    worker.terminate();
    throw error;
  });
  if (report.op !== "started") {
    worker.terminate();
    throw new Error(`The instance did not start: ${JSON.stringify(report)}`);
  }
  let killed = false;
  return {
    base: report.base,
    kill() {
      killed = true;
      worker.terminate();
    },
    async stop() {
      if (killed) return;
      const stopped = reply("an instance stopping", 30_000);
      send({ op: "stop" });
      await stopped.finally(() => worker.terminate());
    },
  };
}

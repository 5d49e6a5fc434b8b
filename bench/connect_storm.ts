/**
 * Connect storm: N WebSocket clients open their sockets at once, against the
 * bare broadcast server and against Hearth (one channel, every client a
 * member), each a fresh subprocess. Reports the time until every socket is
 * usable (open for the bare server, `ready` received for Hearth) and when a
 * tenth, half and nine tenths of them were, how many were refused or failed,
 * and the server's CPU seconds and resident memory (at the end of the storm
 * and again after 10 s of idle sockets).
 *
 *   deno run -A bench/connect_storm.ts [--clients 10000] [--workers 4]
 *     [--repeat 2] [--deadline 120] [--no-pin] [--profile DIR [--heap]]
 *     [--only bare|hearth]
 *
 * The clients run in Web Workers of this process, each opening its whole
 * share at once (no batches); runs alternate (bare, Hearth, bare, Hearth ...)
 * so both see the same background load. Pinning is as in bench/fanout.ts:
 * servers on CPU 0, the clients on the others. With `--profile DIR`, Hearth's
 * CPU profile of each storm is written there and its top functions printed,
 * with its JavaScript heap's size at the end of the storm; `--heap` adds a heap
 * snapshot of the server once its sockets have settled.
 */
import { parseArgs } from "node:util";
import {
  type Child,
  cpuSeconds,
  ensureDescriptors,
  loadAverage,
  machine,
  pinTo,
  randomSecret,
  rssMegabytes,
  seed,
  type Seeded,
  spawnHearth,
  spawnServer,
  threadCpuSeconds,
} from "./_hearth.ts";
import type { WorkerCommand, WorkerReport } from "./fanout_worker.ts";
import { Inspector, topSelf } from "./_profile.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "10000" },
    workers: { type: "string", default: "4" },
    repeat: { type: "string", default: "2" },
    deadline: { type: "string", default: "120" },
    "no-pin": { type: "boolean", default: false },
    profile: { type: "string" },
    only: { type: "string" },
    heap: { type: "boolean", default: false },
  },
});
const CLIENTS = Number(values.clients);
const WORKERS = Number(values.workers);
const REPEAT = Number(values.repeat);
const DEADLINE_MS = Number(values.deadline) * 1000;
const CPUS = navigator.hardwareConcurrency;
const PIN = !values["no-pin"] && CPUS >= 2;
const PROFILE_DIR = values.profile;
// The profiles' folder is made up front, so a long run does not end on a missing path.
if (PROFILE_DIR !== undefined) {
  await Deno.mkdir(PROFILE_DIR, { recursive: true });
}
// "bare" or "hearth" runs only that server (while iterating on one side).
const ONLY = values.only;
// With --profile, also a heap snapshot of the server once its sockets settle.
const HEAP = values.heap;
// How long the sockets sit idle before the second RSS reading.
const SETTLE_MS = 10_000;

/** One storm's outcome. */
interface Storm {
  name: string;
  seconds: number;
  connected: number;
  failed: number;
  /** Sockets neither connected nor failed when the deadline passed. */
  unfinished: number;
  /** Failures by how they ended: "close 1013", "error" ... */
  causes: Record<string, number>;
  serverCpu: number;
  /** The server's CPU seconds by thread, busiest first: "main 8.1, tokio-runtime-w 2.0 ...". */
  threads: string;
  /** CPU seconds this process (the clients) used meanwhile. */
  clientCpu: number;
  rss: number;
  /** RSS once the server has been quiet for {@linkcode SETTLE_MS}. */
  settledRss: number;
  /** Seconds from the start until a tenth, half, nine tenths and all were open and usable. */
  timeline: string;
}

/** "p10 / p50 / p90 / max" of `times` (ms since the time origin), in seconds after `start`. */
function spread(times: number[], start: number): string {
  if (times.length === 0) return "none";
  const sorted = times.map((t) => (t - start) / 1000).sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return [at(0.1), at(0.5), at(0.9), sorted.at(-1)!].map((s) => s.toFixed(1))
    .join(" / ");
}

/** Opens every url at once from `WORKERS` workers; waits for all or the deadline. */
async function storm(
  name: string,
  server: Child,
  urls: string[],
  waitReady: boolean,
  inspector?: Inspector,
): Promise<Storm> {
  const workers = Array.from(
    { length: WORKERS },
    () =>
      new Worker(new URL("./fanout_worker.ts", import.meta.url), {
        type: "module",
      }),
  );
  try {
    // Workers load their module before the clock starts.
    await Promise.all(workers.map((worker) =>
      new Promise<void>((resolve) => {
        worker.onmessage = () => resolve();
        worker.postMessage({ op: "idle" } satisfies WorkerCommand);
      })
    ));
    await inspector?.start();
    const cpuBefore = cpuSeconds(server.pid);
    const threadsBefore = threadCpuSeconds(server.pid);
    const clientCpuBefore = cpuSeconds(Deno.pid);
    const started = performance.now();
    const reports = workers.map((worker, w) =>
      new Promise<WorkerReport>((resolve) => {
        worker.onmessage = (e: MessageEvent<WorkerReport>) => resolve(e.data);
        const share = urls.filter((_, i) => i % WORKERS === w);
        worker.postMessage(
          {
            op: "connect",
            urls: share,
            waitReady,
            concurrency: share.length,
          } satisfies WorkerCommand,
        );
      })
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<null>((resolve) =>
      timer = setTimeout(() => resolve(null), DEADLINE_MS)
    );
    const done = await Promise.race([Promise.all(reports), deadline]);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = cpuSeconds(server.pid) - cpuBefore;
    const clientCpu = cpuSeconds(Deno.pid) - clientCpuBefore;
    const threads = [...threadCpuSeconds(server.pid)]
      .map(([n, s]) => [n, s - (threadsBefore.get(n) ?? 0)] as const)
      .filter(([, s]) => s >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([n, s]) => `${n} ${s.toFixed(2)}`)
      .join(", ");
    const rss = rssMegabytes(server.pid);
    // The storm's garbage is collected later; what stays is what the sockets hold.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const settledRss = rssMegabytes(server.pid);
    if (inspector) {
      const profile = await inspector.stop();
      const file = `${PROFILE_DIR}/${name}-storm-${Date.now()}.cpuprofile`;
      await Deno.writeTextFile(file, JSON.stringify(profile));
      console.log(`${file}: top self time\n${topSelf(profile).join("\n")}`);
      // How much of the RSS is the JavaScript heap, the rest being native.
      const { usedSize, totalSize } = await inspector.call(
        "Runtime.getHeapUsage",
      ) as { usedSize: number; totalSize: number };
      console.log(
        `JS heap used ${(usedSize / 2 ** 20).toFixed(0)} MB of ${
          (totalSize / 2 ** 20).toFixed(0)
        } MB`,
      );
      if (HEAP) {
        const snapshot =
          `${PROFILE_DIR}/${name}-storm-${Date.now()}.heapsnapshot`;
        await inspector.heapSnapshot(snapshot);
        console.log(`heap snapshot: ${snapshot}`);
      }
    }
    if (done === null) {
      return {
        name,
        seconds,
        connected: 0,
        failed: 0,
        unfinished: urls.length,
        causes: {},
        serverCpu,
        threads,
        clientCpu,
        rss,
        settledRss,
        timeline: "",
      };
    }
    let connected = 0;
    let failed = 0;
    let lastAt = 0;
    const causes: Record<string, number> = {};
    const openedAt: number[] = [];
    const usableAt: number[] = [];
    for (const r of done) {
      if (r.op !== "connected") continue;
      openedAt.push(...r.openedAt);
      usableAt.push(...r.usableAt);
      connected += r.count;
      failed += r.failed;
      lastAt = Math.max(lastAt, r.lastAt);
      for (const [k, v] of Object.entries(r.causes)) {
        causes[k] = (causes[k] ?? 0) + v;
      }
    }
    return {
      name,
      // From the first open to the last socket's open or ready.
      seconds: (lastAt - performance.timeOrigin - started) / 1000,
      connected,
      failed,
      unfinished: 0,
      causes,
      serverCpu,
      threads,
      clientCpu,
      rss,
      settledRss,
      timeline: `open ${
        spread(openedAt, performance.timeOrigin + started)
      } s, usable ${spread(usableAt, performance.timeOrigin + started)} s`,
    };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}

async function pinned(server: Child): Promise<Child> {
  if (PIN && !(await pinTo(server.pid, "0"))) {
    throw new Error("taskset could not pin the server; run with --no-pin");
  }
  return server;
}

async function stormBare(): Promise<Storm> {
  const server = await pinned(
    await spawnServer("bench/bare_broadcast_server.ts", ["--port", "0"]),
  );
  try {
    const url = `ws://127.0.0.1:${server.port}/`;
    return await storm("bare", server, Array(CLIENTS).fill(url), false);
  } finally {
    await server.stop();
  }
}

async function stormHearth(
  db: string,
  secret: string,
  seeded: Seeded,
): Promise<Storm> {
  let inspectorUrl: string | undefined;
  const server = await pinned(
    await spawnHearth(
      db,
      secret,
      [],
      PROFILE_DIR === undefined ? undefined : (url) => inspectorUrl = url,
    ),
  );
  const inspector = inspectorUrl === undefined
    ? undefined
    : await Inspector.open(inspectorUrl);
  try {
    const urls = seeded.tokens.map((token) =>
      `ws://127.0.0.1:${server.port}/ws/channels/${seeded.generalId}?token=${token}`
    );
    return await storm("hearth", server, urls, true, inspector);
  } finally {
    inspector?.close();
    await server.stop();
  }
}

function line(s: Storm): string {
  const outcome = s.unfinished > 0
    ? `NOT all usable within ${DEADLINE_MS / 1000} s`
    : `${s.connected} usable, ${s.failed} refused or failed${
      s.failed > 0 ? ` ${JSON.stringify(s.causes)}` : ""
    }, in ${s.seconds.toFixed(2)} s`;
  return `${s.name.padEnd(7)} ${outcome}; server CPU ${
    s.serverCpu.toFixed(2)
  } s (${s.threads}), clients' CPU ${s.clientCpu.toFixed(2)} s, RSS ${
    s.rss.toFixed(0)
  } MB (${s.settledRss.toFixed(0)} MB ${SETTLE_MS / 1000} s later)${
    s.timeline ? `\n        p10 / p50 / p90 / last: ${s.timeline}` : ""
  }`;
}

if (import.meta.main) {
  await ensureDescriptors(CLIENTS + 1000);
  console.log(
    `Connect storm: ${CLIENTS} sockets at once from ${WORKERS} workers`,
  );
  console.log(`${await machine()}; ${await loadAverage()}`);
  if (PIN) {
    const clientCpus = CPUS > 2 ? `1-${CPUS - 1}` : "1";
    if (!(await pinTo(Deno.pid, clientCpus))) {
      throw new Error("taskset could not pin the benchmark; run with --no-pin");
    }
    console.log(`servers pinned to CPU 0, clients to CPU ${clientCpus}`);
  }
  const dir = await Deno.makeTempDir({ prefix: "hearth-storm-" });
  try {
    const secret = randomSecret();
    const db = `${dir}/hearth.db`;
    const seedStart = performance.now();
    const seeded = await seed(db, CLIENTS, secret);
    console.log(
      `seeded ${CLIENTS} members of one channel in ${
        ((performance.now() - seedStart) / 1000).toFixed(1)
      } s`,
    );
    for (let run = 1; run <= REPEAT; run++) {
      if (ONLY !== "hearth") console.log(line(await stormBare()));
      if (ONLY !== "bare") {
        console.log(line(await stormHearth(db, secret, seeded)));
      }
      console.log(await loadAverage());
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

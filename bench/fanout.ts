/**
 * Fan-out benchmark: N WebSocket clients in one channel, one sender, M
 * messages. Reports deliveries per second and send-to-deliver latency for
 * Hearth and for a bare `Deno.upgradeWebSocket` broadcast server, each run as
 * its own subprocess, and the ratio Hearth / bare.
 *
 *   deno run -A bench/fanout.ts [--clients 1000] [--messages 200] [--workers 2]
 *     [--window 8] [--rate 50] [--repeat 3] [--baseline bare|protocol] [--no-pin]
 *     [--json]
 *
 * The baseline and Hearth run at once with their clients connected, and their
 * phases alternate (baseline, Hearth, baseline, Hearth ...) so both see the
 * same background load. The baseline is the bare server (the goal's), or with
 * `--baseline protocol` the same bare server speaking Hearth's connect
 * protocol: each new socket gets a `ready` frame listing every member, and
 * every open socket a `presence` frame. The second separates what the
 * protocol costs any server (and its clients) from what Hearth's own code
 * costs. (Running all three at once crowds the clients' CPU with 3,000
 * sockets and changes every figure.)
 *
 * Two kinds of phase per server, on the same connected clients:
 * - burst (`repeat` runs, the median reported): the sender keeps `window`
 *   messages in flight (the next one goes out when the sender's own copy comes
 *   back); deliveries per second is clients x messages / (last delivery -
 *   first send).
 * - paced: `rate` messages per second (still at most `window` in flight), for
 *   latency below saturation.
 * Hearth persists every message in KV before broadcasting it; the bare server
 * stores nothing and does no auth, ordering or flow control.
 *
 * With two or more CPUs the servers run on the first CPU and the benchmark (its
 * clients and the sender) on the others, as close to separate machines as one
 * machine gets: otherwise the load generator, which needs about as much CPU as
 * a server, takes the server's CPU in turns, and a server that hands work to a
 * second thread (Hearth's KV commits) waits for the scheduler at every handoff.
 * `--no-pin` lets all of them share every CPU.
 */
import { parseArgs } from "node:util";
import {
  type Child,
  cpuSeconds,
  ensureDescriptors,
  loadAverage,
  machine,
  percentile,
  pinTo,
  randomSecret,
  rssMegabytes,
  seed,
  spawnHearth,
  spawnServer,
} from "./_hearth.ts";
import type { WorkerCommand, WorkerReport } from "./fanout_worker.ts";
import { Inspector, topSelf } from "./_profile.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "1000" },
    messages: { type: "string", default: "200" },
    workers: { type: "string", default: "2" },
    window: { type: "string", default: "8" },
    rate: { type: "string", default: "50" },
    repeat: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
    "no-pin": { type: "boolean", default: false },
    baseline: { type: "string", default: "bare" },
    profile: { type: "string" },
  },
});
const CLIENTS = Number(values.clients);
const MESSAGES = Number(values.messages);
const WORKERS = Number(values.workers);
const WINDOW = Number(values.window);
const RATE = Number(values.rate);
const REPEAT = Number(values.repeat);
if (values.baseline !== "bare" && values.baseline !== "protocol") {
  throw new Error(
    `--baseline is bare or protocol, not "${values.baseline}"`,
  );
}
const PROTOCOL = values.baseline === "protocol";
// A directory for CPU profiles of Hearth's server during each burst.
const PROFILE_DIR = values.profile;
// The profiles' folder is made up front, so a long run does not end on a missing path.
if (PROFILE_DIR !== undefined) {
  await Deno.mkdir(PROFILE_DIR, { recursive: true });
}
const PHASE_TIMEOUT_MS = 180_000;
const CPUS = navigator.hardwareConcurrency;
// The servers get CPU 0, the benchmark the rest (set up in main below).
const PIN = !values["no-pin"] && CPUS >= 2;
const SERVER_CPUS = "0";
const CLIENT_CPUS = CPUS > 2 ? `1-${CPUS - 1}` : "1";

/** Results of one phase. */
interface PhaseResult {
  deliveries: number;
  expected: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU seconds the server process used during the phase. */
  serverCpu: number;
  /** CPU seconds the benchmark process (clients and sender) used. */
  clientCpu: number;
}

/** How to talk to one server under test. */
interface Target {
  name: string;
  pid: number;
  urls: string[];
  senderUrl: string;
  waitReady: boolean;
  /** The text the sender sends for message `i` of `phase`, sent at `t`. */
  frame(phase: number, i: number, t: number): string;
  /** The server's inspector, with `--profile`. */
  inspector?: Inspector;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Clients {
  #workers: Worker[] = [];
  #waiting = new Map<Worker, (report: WorkerReport) => void>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(
        new URL("./fanout_worker.ts", import.meta.url),
        { type: "module" },
      );
      worker.onmessage = (e: MessageEvent<WorkerReport>) => {
        const waiter = this.#waiting.get(worker);
        this.#waiting.delete(worker);
        waiter?.(e.data);
      };
      this.#workers.push(worker);
    }
  }

  /** Sends each worker its command and waits for one report from each. */
  ask(command: (index: number) => WorkerCommand): Promise<WorkerReport[]> {
    return Promise.all(
      this.#workers.map((worker, i) =>
        new Promise<WorkerReport>((resolve) => {
          this.#waiting.set(worker, resolve);
          worker.postMessage(command(i));
        })
      ),
    );
  }

  tell(command: WorkerCommand): void {
    for (const worker of this.#workers) worker.postMessage(command);
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }
}

/** Opens the sender socket; `echo(i)` fires when the sender's own copy of message i returns. */
function openSender(
  url: string,
  waitReady: boolean,
  echo: (phase: number, i: number) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => {
      if (!waitReady) resolve(socket);
    };
    socket.onerror = () => reject(new Error(`sender refused: ${url}`));
    socket.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "ready") resolve(socket);
      if (frame.type === "message") {
        const payload = JSON.parse(frame.message.content);
        echo(payload.p, payload.i);
      } else if (frame.type === "error") {
        console.error("sender got an error frame", frame);
      }
    };
  });
}

async function waitQuiet(clients: Clients, quietMs = 1500): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 250) {
    const reports = await clients.ask(() => ({ op: "idle" }));
    if (reports.every((r) => r.op === "idle" && r.quietMs >= quietMs)) return;
    await sleep(250);
  }
}

async function runPhase(
  clients: Clients,
  target: Target,
  sender: { socket: WebSocket; echoes: Map<number, () => void> },
  phase: number,
  mode: "burst" | "paced",
): Promise<PhaseResult> {
  await waitQuiet(clients);
  const done = clients.ask(() => ({
    op: "measure",
    phase,
    messages: MESSAGES,
  }));
  // Let every worker take the measure command before the first send.
  await sleep(200);
  const profiling = mode === "burst" ? target.inspector : undefined;
  await profiling?.start();
  const serverCpuBefore = cpuSeconds(target.pid);
  const clientCpuBefore = cpuSeconds(Deno.pid);
  const started = now();
  const timeout = setTimeout(
    () => clients.tell({ op: "report" }),
    PHASE_TIMEOUT_MS,
  );
  // Both modes keep at most `window` messages in flight (the next one goes
  // out when the sender's own copy comes back): Hearth refuses more than 16
  // unhandled frames per socket with `rate_limited`, and a dropped message
  // would never be delivered. Paced sends also wait for their due time.
  let inFlight = 0;
  let wake: (() => void) | undefined;
  for (let i = 0; i < MESSAGES; i++) {
    if (mode === "paced") {
      const wait = started + (i * 1000) / RATE - now();
      if (wait > 0) await sleep(wait);
    }
    while (inFlight >= WINDOW) {
      await new Promise<void>((resolve) => wake = resolve);
    }
    inFlight++;
    sender.echoes.set(phase * 1e6 + i, () => {
      inFlight--;
      wake?.();
    });
    sender.socket.send(target.frame(phase, i, now()));
  }
  const reports = await done;
  const serverCpu = cpuSeconds(target.pid) - serverCpuBefore;
  const clientCpu = cpuSeconds(Deno.pid) - clientCpuBefore;
  clearTimeout(timeout);
  if (profiling) {
    const profile = await profiling.stop();
    const file = `${PROFILE_DIR}/${target.name}-burst-${phase}.cpuprofile`;
    await Deno.writeTextFile(file, JSON.stringify(profile));
    console.log(`${file}: top self time\n${topSelf(profile).join("\n")}`);
  }
  const all: number[] = [];
  let lastAt = 0;
  for (const r of reports) {
    if (r.op !== "done") continue;
    for (const v of r.latencies) all.push(v);
    lastAt = Math.max(lastAt, r.lastAt);
  }
  all.sort((a, b) => a - b);
  const seconds = (lastAt - started) / 1000;
  return {
    deliveries: all.length,
    expected: reports.reduce(
      (n, r) => n + (r.op === "done" ? r.expected : 0),
      0,
    ),
    seconds,
    perSecond: all.length / seconds,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    max: all.at(-1) ?? NaN,
    serverCpu,
    clientCpu,
  };
}

/** A server's results: every burst run, the median one, and the paced run. */
interface Measured {
  bursts: PhaseResult[];
  burst: PhaseResult;
  paced: PhaseResult;
  connectSeconds: number;
  /** The server's resident memory once its clients connected, and after the runs, in MB. */
  rssConnected: number;
  rssAfter: number;
}

/** A server under test with its clients connected and its sender ready. */
interface Setup {
  target: Target;
  clients: Clients;
  sender: { socket: WebSocket; echoes: Map<number, () => void> };
  connectSeconds: number;
  rssConnected: number;
  close(): Promise<void>;
}

async function connect(
  target: Target,
  stop: () => Promise<void>,
): Promise<Setup> {
  const clients = new Clients(WORKERS);
  const echoes = new Map<number, () => void>();
  const close = async () => {
    clients.close();
    await stop();
  };
  try {
    const connectStart = performance.now();
    const shares = Array.from(
      { length: WORKERS },
      (_, w) => target.urls.filter((_, i) => i % WORKERS === w),
    );
    const connected = await clients.ask((w) => ({
      op: "connect",
      urls: shares[w],
      waitReady: target.waitReady,
    }));
    const failed = connected.reduce(
      (n, r) => n + (r.op === "connected" ? r.failed : 0),
      0,
    );
    // Reported, and the runs go on with the clients that did connect: at
    // 10,000 sockets on a busy machine a few may be refused or closed.
    if (failed > 0) {
      const causes: Record<string, number> = {};
      for (const r of connected) {
        if (r.op !== "connected") continue;
        for (const [k, v] of Object.entries(r.causes)) {
          causes[k] = (causes[k] ?? 0) + v;
        }
      }
      console.log(
        `${target.name}: ${failed} clients failed to connect (${
          JSON.stringify(causes)
        })`,
      );
    }
    const connectSeconds = (performance.now() - connectStart) / 1000;
    const socket = await openSender(
      target.senderUrl,
      target.waitReady,
      (p, i) => {
        const key = p * 1e6 + i;
        echoes.get(key)?.();
        echoes.delete(key);
      },
    );
    return {
      target,
      clients,
      sender: { socket, echoes },
      connectSeconds,
      rssConnected: rssMegabytes(target.pid),
      close: async () => {
        socket.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function pinServer(server: Child): Promise<void> {
  if (PIN && !(await pinTo(server.pid, SERVER_CPUS))) {
    throw new Error("taskset could not pin the server; run with --no-pin");
  }
}

/**
 * Starts the bare broadcast server; with `protocol` it also sends Hearth's
 * connect frames: a `ready` listing as many members as Hearth's channel has
 * (the clients and the sender) and a `presence` frame to every open socket.
 */
async function startBare(protocol: boolean): Promise<Setup> {
  const server = await spawnServer("bench/bare_broadcast_server.ts", [
    "--port",
    "0",
    ...(protocol ? ["--ready-members", String(CLIENTS + 1), "--presence"] : []),
  ]);
  await pinServer(server);
  const url = `ws://127.0.0.1:${server.port}/`;
  const channelId = crypto.randomUUID();
  const author = {
    id: crypto.randomUUID(),
    username: "user0",
    displayName: "user0",
  };
  return await connect({
    name: protocol ? "protocol" : "bare",
    pid: server.pid,
    urls: Array.from({ length: CLIENTS }, () => url),
    senderUrl: url,
    waitReady: protocol,
    // Shaped like Hearth's message frame, so clients parse the same bytes.
    frame: (phase, i, t) =>
      JSON.stringify({
        type: "message",
        message: {
          id: crypto.randomUUID(),
          channelId,
          seq: phase * 1000 + i + 1,
          author,
          content: JSON.stringify({ p: phase, i, t }),
          createdAt: new Date().toISOString(),
          clientId: `b${phase}-${i}`,
          file: null,
        },
      }),
  }, () => server.stop());
}

async function startHearth(): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-fanout-" });
  const db = `${dir}/hearth.db`;
  const secret = randomSecret();
  let server: Child | undefined;
  const stop = async () => {
    await server?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const seeded = await seed(db, CLIENTS + 1, secret);
    let inspectorUrl: string | undefined;
    server = await spawnHearth(
      db,
      secret,
      [],
      PROFILE_DIR === undefined ? undefined : (url) => inspectorUrl = url,
    );
    await pinServer(server);
    const inspector = inspectorUrl === undefined
      ? undefined
      : await Inspector.open(inspectorUrl);
    const url = (token: string) =>
      `ws://127.0.0.1:${
        server!.port
      }/ws/channels/${seeded.generalId}?token=${token}`;
    return await connect({
      name: "hearth",
      pid: server.pid,
      urls: seeded.tokens.slice(0, CLIENTS).map(url),
      senderUrl: url(seeded.tokens[CLIENTS]),
      waitReady: true,
      frame: (phase, i, t) =>
        JSON.stringify({
          type: "message",
          content: JSON.stringify({ p: phase, i, t }),
          clientId: `b${phase}-${i}`,
        }),
      inspector,
    }, async () => {
      inspector?.close();
      await stop();
    });
  } catch (error) {
    await stop();
    throw error;
  }
}

function median(runs: PhaseResult[]): PhaseResult {
  const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The servers measured, in the order their phases run. */
type ServerName = "bare" | "protocol" | "hearth";

/**
 * Connects both servers' clients, then alternates their phases (baseline,
 * Hearth, baseline, Hearth ...) so that both see the same background noise.
 */
async function measureAll(
  together: boolean,
): Promise<Map<ServerName, Measured>> {
  const starts: [ServerName, () => Promise<Setup>][] = [
    [PROTOCOL ? "protocol" : "bare", () => startBare(PROTOCOL)],
    ["hearth", startHearth],
  ];
  if (together) return await measureGroup(starts);
  // Too few descriptors for both sets of clients: one server after the other.
  const measured = new Map<ServerName, Measured>();
  for (const start of starts) {
    for (const [name, m] of await measureGroup([start])) measured.set(name, m);
  }
  return measured;
}

/** Connects the clients of every server in `starts`, then alternates their phases. */
async function measureGroup(
  starts: [ServerName, () => Promise<Setup>][],
): Promise<Map<ServerName, Measured>> {
  const setups: Setup[] = [];
  try {
    for (const [, start] of starts) setups.push(await start());
    const bursts: PhaseResult[][] = setups.map(() => []);
    for (let run = 1; run <= REPEAT; run++) {
      for (const [k, setup] of setups.entries()) {
        const { clients, target, sender } = setup;
        bursts[k].push(await runPhase(clients, target, sender, run, "burst"));
      }
    }
    const paced: PhaseResult[] = [];
    for (const { clients, target, sender } of setups) {
      paced.push(
        await runPhase(clients, target, sender, REPEAT + 1, "paced"),
      );
    }
    return new Map(starts.map(([name], k) => [name, {
      bursts: bursts[k],
      burst: median(bursts[k]),
      paced: paced[k],
      connectSeconds: setups[k].connectSeconds,
      rssConnected: setups[k].rssConnected,
      rssAfter: rssMegabytes(setups[k].target.pid),
    }]));
  } finally {
    for (const setup of setups) await setup.close();
  }
}

function line(name: string, r: PhaseResult): string {
  return `${name.padEnd(8)} ${r.deliveries}/${r.expected} deliveries in ${
    r.seconds.toFixed(2)
  } s = ${Math.round(r.perSecond).toLocaleString("en-US")}/s; latency p50 ${
    r.p50.toFixed(1)
  } ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; CPU s server ${
    r.serverCpu.toFixed(2)
  }, clients ${r.clientCpu.toFixed(2)}`;
}

if (import.meta.main) {
  // Every client socket is a descriptor here; the servers inherit the limit.
  // Both servers' clients at once need twice as many.
  const limit = await ensureDescriptors(CLIENTS + 1000, 2 * CLIENTS + 1000);
  const together = limit >= 2 * CLIENTS + 1000;
  console.log(
    `Fan-out: ${CLIENTS} clients in ${WORKERS} workers, ${MESSAGES} messages, window ${WINDOW}, paced at ${RATE}/s`,
  );
  console.log(`${await machine()}; ${await loadAverage()}`);
  if (PIN) {
    if (!(await pinTo(Deno.pid, CLIENT_CPUS))) {
      throw new Error("taskset could not pin the benchmark; run with --no-pin");
    }
    console.log(
      `servers pinned to CPU ${SERVER_CPUS}, clients and sender to CPU ${CLIENT_CPUS}`,
    );
  } else console.log("servers, clients and sender share every CPU");
  if (!together) {
    console.log(
      `${limit} open files allow one server's clients at a time: the servers run one after the other, not alternating`,
    );
  }
  const measured = await measureAll(together);
  for (const [name, m] of measured) {
    console.log(
      `${name} connected in ${m.connectSeconds.toFixed(1)} s; server RSS ${
        m.rssConnected.toFixed(0)
      } MB connected, ${m.rssAfter.toFixed(0)} MB after the runs`,
    );
  }
  console.log(`finished; ${await loadAverage()}`);
  console.log(`\nburst, ${REPEAT} runs each, alternating`);
  for (const [name, m] of measured) {
    for (const run of m.bursts) console.log(line(name, run));
  }
  console.log("median runs:");
  for (const [name, m] of measured) console.log(line(name, m.burst));
  for (const [name, m] of measured) {
    // The server runs on one CPU, so its CPU seconds are core-seconds.
    console.log(
      `${name} deliveries per server CPU second (per core): ${
        Math.round(m.burst.deliveries / m.burst.serverCpu).toLocaleString(
          "en-US",
        )
      }`,
    );
  }
  const hearth = measured.get("hearth")!;
  for (const [name, m] of measured) {
    if (name === "hearth") continue;
    console.log(
      `ratio hearth/${name} deliveries per second: ${
        (hearth.burst.perSecond / m.burst.perSecond).toFixed(2)
      }`,
    );
  }
  console.log(`\npaced at ${RATE} messages/s`);
  for (const [name, m] of measured) console.log(line(name, m.paced));
  for (const [name, m] of measured) {
    if (name === "hearth") continue;
    console.log(
      `ratio hearth/${name} p99 latency: ${
        (hearth.paced.p99 / m.paced.p99).toFixed(2)
      }`,
    );
  }
  if (values.json) console.log(JSON.stringify(Object.fromEntries(measured)));
}

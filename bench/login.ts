/**
 * Login burst benchmark: does a burst of bcrypt logins stall everyone else?
 *
 *   deno run -A bench/login.ts [--users 50] [--pingers 100] [--interval-ms 0]
 *                              [--idle-ms 2000] [--modes pool,inline]
 *                              [--write-readme]
 *
 * For each hashing mode the server runs as its own process (this file with
 * `--serve <mode>`), on in-memory KV with the production bcrypt cost of 12:
 * `pool` is the server as shipped (bcrypt on worker threads), `inline` swaps
 * in `PasswordHasher({ workers: 0 })`, which hashes on the server's main
 * thread. This process registers the users, then runs `--pingers` loops, each
 * sending `GET /healthz` back to back (or one every `--interval-ms`, like
 * clients that are mostly idle), first alone (the idle baseline) and then
 * while firing one login per user at once. Ping latency is measured here,
 * in a process of its own, so the server's event loop cannot skew the timing;
 * the server also reports how late its own 10 ms timer fired (event-loop lag)
 * during the burst.
 */
import { writeReadmeSection } from "./_hearth.ts";
import { parseArgs } from "node:util";
import { PasswordHasher } from "../lib/auth/password.ts";
import { parseConfig } from "../lib/config.ts";
import { setLogLevel } from "../lib/log.ts";
import { startServer } from "../lib/server.ts";
import { lines } from "../tests/helpers/process.ts";

const PASSWORD = "a benchmark password";
const LAG_TICK_MS = 10;

type Mode = "pool" | "inline";

interface Stats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

interface ModeResult {
  mode: Mode;
  intervalMs: number;
  registerSeconds: number;
  burstSeconds: number;
  loginsPerSecond: number;
  failedLogins: number;
  /** Pings sent during the burst whose connection failed. */
  lostPings: number;
  idle: Stats;
  burst: Stats;
  lag: Stats;
  /** The runs this result is the median of, when there were several. */
  runs?: ModeResult[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

// ------------------------------------------------------------ server side

/**
 * The server process: prints `{"port"}` once listening, then answers commands
 * on stdin: `reset` clears the lag samples, `report` prints their stats,
 * `quit` shuts down.
 */
async function serve(mode: Mode): Promise<void> {
  // One log line per ping would cost the server more than the pings.
  setLogLevel("warn");
  const parsed = parseConfig([
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--db",
    ":memory:",
    // The benchmark signs up many accounts.
    "--registration",
    "open",
    // Every client of the benchmark is 127.0.0.1.
    "--max-conns-per-address",
    "0",
    // A request waiting for its hash moves no bytes; on a loaded machine the
    // setup's registrations can wait past the 30 s default and be cut off.
    "--idle-timeout",
    "300",
  ], () => undefined);
  if (parsed.kind !== "serve") throw new Error(JSON.stringify(parsed));
  const server = await startServer(parsed.config);
  if (mode === "inline") {
    server.services.hasher.close();
    server.services.hasher = new PasswordHasher({
      workers: 0,
      cost: parsed.config.passwordCost,
    });
  }
  let lag: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lag.push(Math.max(0, now - last - LAG_TICK_MS));
    last = now;
  }, LAG_TICK_MS);
  const out = new TextEncoder();
  const say = (value: unknown) =>
    Deno.stdout.writeSync(out.encode(JSON.stringify(value) + "\n"));
  say({ port: server.port, cost: server.services.hasher.cost });
  for await (const line of lines(Deno.stdin.readable)) {
    const command = line.trim();
    if (command === "reset") {
      lag = [];
      say({ ok: true });
    } else if (command === "report") {
      say(stats(lag));
    } else if (command === "quit") {
      break;
    }
  }
  clearInterval(timer);
  await server.shutdown();
}

// ------------------------------------------------------------ client side

class ServerProcess {
  readonly #child: Deno.ChildProcess;
  readonly #lines: AsyncGenerator<string>;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  base = "";

  constructor(mode: Mode) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "--serve", mode],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#lines = lines(this.#child.stdout);
    this.#stdin = this.#child.stdin.getWriter();
  }

  async #read(): Promise<Record<string, number>> {
    for (;;) {
      const next = await this.#lines.next();
      if (next.done) throw new Error("The server process ended early");
      if (!next.value.startsWith("{")) continue;
      const value = JSON.parse(next.value);
      // A log line of the server (warn and above) is not an answer.
      if (!("level" in value)) return value;
    }
  }

  async start(): Promise<void> {
    const { port, cost } = await this.#read();
    if (cost !== 12) throw new Error(`Expected bcrypt cost 12, got ${cost}`);
    this.base = `http://127.0.0.1:${port}`;
  }

  async command(name: "reset" | "report"): Promise<Record<string, number>> {
    await this.#stdin.write(new TextEncoder().encode(name + "\n"));
    return await this.#read();
  }

  async stop(): Promise<void> {
    await this.#stdin.write(new TextEncoder().encode("quit\n"));
    await this.#stdin.close();
    const status = await this.#child.status;
    for await (const _ of this.#lines) {
      // Drain, so the pipe is closed.
    }
    if (!status.success) throw new Error(`Server exited with ${status.code}`);
  }
}

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.body?.cancel();
  return res.status;
}

interface Ping {
  /** When the ping was sent, `performance.now()`. */
  sent: number;
  /** Milliseconds until its answer arrived (or the request failed). */
  latency: number;
  /** The connection failed (a keep-alive closed under it while the server's thread was blocked). */
  lost?: true;
}

/**
 * Runs `count` loops of pings until `signal` aborts; each loop sends its next
 * ping `intervalMs` after the previous one was sent, or at once if that has
 * passed (so 0 means back to back). Loops start spread over one interval.
 */
async function pingLoops(
  base: string,
  count: number,
  intervalMs: number,
  signal: AbortSignal,
): Promise<Ping[]> {
  const samples: Ping[] = [];
  const loop = async (index: number) => {
    let next = performance.now() + (intervalMs * index) / count;
    while (!signal.aborted) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (signal.aborted) break;
      const sent = performance.now();
      next = sent + intervalMs;
      let res: Response;
      try {
        res = await fetch(base + "/healthz");
      } catch {
        samples.push({ sent, latency: performance.now() - sent, lost: true });
        continue;
      }
      await res.body?.cancel();
      if (res.status !== 200) throw new Error(`healthz: ${res.status}`);
      samples.push({ sent, latency: performance.now() - sent });
    }
  };
  await Promise.all(Array.from({ length: count }, (_, i) => loop(i)));
  return samples;
}

async function runMode(
  mode: Mode,
  users: number,
  pingers: number,
  intervalMs: number,
  idleMs: number,
): Promise<ModeResult> {
  const server = new ServerProcess(mode);
  try {
    await server.start();
    const names = Array.from({ length: users }, (_, i) => `bench_user_${i}`);

    const registerStart = performance.now();
    const registered = await Promise.all(
      names.map((username) =>
        post(server.base, "/auth/register", { username, password: PASSWORD })
      ),
    );
    const registerSeconds = (performance.now() - registerStart) / 1000;
    if (registered.some((s) => s !== 201)) {
      throw new Error(`registration statuses: ${registered.join(",")}`);
    }

    // Idle baseline: the same ping load with nothing else going on.
    const idleStop = new AbortController();
    const idlePings = pingLoops(
      server.base,
      pingers,
      intervalMs,
      idleStop.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    idleStop.abort();
    const idle = stats(
      (await idlePings).filter((p) => !p.lost).map((p) => p.latency),
    );

    // The burst: pings already running, then every login at once. Only
    // pings sent while logins are in flight count.
    const burstStop = new AbortController();
    const burstPings = pingLoops(
      server.base,
      pingers,
      intervalMs,
      burstStop.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.command("reset");
    const burstStart = performance.now();
    const statuses = await Promise.all(
      names.map((username) =>
        post(server.base, "/auth/login", { username, password: PASSWORD })
      ),
    );
    const burstEnd = performance.now();
    const burstSeconds = (burstEnd - burstStart) / 1000;
    const lag = await server.command("report") as unknown as Stats;
    burstStop.abort();
    const inBurst = (await burstPings)
      .filter((p) => p.sent >= burstStart && p.sent < burstEnd);
    const burst = stats(inBurst.filter((p) => !p.lost).map((p) => p.latency));
    const lostPings = inBurst.filter((p) => p.lost).length;
    return {
      mode,
      intervalMs,
      registerSeconds,
      burstSeconds,
      loginsPerSecond: users / burstSeconds,
      failedLogins: statuses.filter((s) => s !== 200).length,
      lostPings,
      idle,
      burst,
      lag,
    };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- report

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Each figure as the median over the runs of one mode; also keeps the runs. */
function medianResult(runs: ModeResult[]): ModeResult {
  const of = (pick: (r: ModeResult) => number) => median(runs.map(pick));
  const statsOf = (pick: (r: ModeResult) => Stats): Stats => ({
    count: of((r) => pick(r).count),
    p50: of((r) => pick(r).p50),
    p99: of((r) => pick(r).p99),
    max: of((r) => pick(r).max),
  });
  return {
    mode: runs[0].mode,
    intervalMs: runs[0].intervalMs,
    registerSeconds: of((r) => r.registerSeconds),
    burstSeconds: of((r) => r.burstSeconds),
    loginsPerSecond: of((r) => r.loginsPerSecond),
    failedLogins: 0,
    lostPings: of((r) => r.lostPings),
    idle: statsOf((r) => r.idle),
    burst: statsOf((r) => r.burst),
    lag: statsOf((r) => r.lag),
    runs,
  };
}

// A run in which no ping got through has no latency to show.
const ms = (x: number) =>
  typeof x !== "number" || !Number.isFinite(x)
    ? "none"
    : x.toFixed(x < 10 ? 1 : 0);

function pingLoad(intervalMs: number): string {
  return intervalMs > 0 ? `one per ${intervalMs} ms each` : "back to back";
}

function table(results: ModeResult[]): string {
  const label = (mode: Mode) =>
    mode === "pool" ? "worker pool (default)" : "inline (`workers: 0`)";
  const rows = results.map((r) =>
    `| ${pingLoad(r.intervalMs)} | ${label(r.mode)} | ${
      r.loginsPerSecond.toFixed(1)
    } | ${r.burstSeconds.toFixed(1)} s | ${r.burst.count} | ${
      ms(r.burst.p50)
    } | ${ms(r.burst.p99)} | ${ms(r.burst.max)} | ${ms(r.lag.p99)} | ${
      ms(r.lag.max)
    } | ${ms(r.idle.p50)} / ${ms(r.idle.p99)} | ${r.lostPings} |`
  );
  return [
    "| pings | hashing | logins/s | burst took | pings in burst | ping p50 | ping p99 | ping max | server lag p99 | server lag max | idle ping p50 / p99 | pings lost |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/** `x` and, over several runs, their range: "12 ms (runs 10-15)". */
function spread(
  r: ModeResult,
  pick: (r: ModeResult) => number,
  unit: string,
  format = ms,
): string {
  const all = (r.runs ?? []).map(pick);
  const range = all.length > 1
    ? ` (runs ${format(Math.min(...all))}-${format(Math.max(...all))})`
    : "";
  return `${format(pick(r))}${unit}${range}`;
}

/** One sentence per ping load comparing the two modes, from the figures. */
function findings(results: ModeResult[]): string[] {
  const out: string[] = [];
  const intervals = [...new Set(results.map((r) => r.intervalMs))];
  const rate = (x: number) => x.toFixed(1);
  for (const intervalMs of intervals) {
    const pool = results.find((r) =>
      r.intervalMs === intervalMs && r.mode === "pool"
    );
    const inline = results.find((r) =>
      r.intervalMs === intervalMs && r.mode === "inline"
    );
    if (!pool || !inline) continue;
    out.push(
      `- Pings ${pingLoad(intervalMs)}. Worker pool: ping p99 ${
        spread(pool, (r) => r.burst.p99, " ms")
      } during the burst against ${
        spread(pool, (r) => r.idle.p99, " ms")
      } idle; server lag at most ${spread(pool, (r) => r.lag.max, " ms")}; ${
        spread(pool, (r) => r.loginsPerSecond, " logins/s", rate)
      }. ` +
        `Inline: ping p99 ${spread(inline, (r) => r.burst.p99, " ms")}; ` +
        `server lag at most ${spread(inline, (r) => r.lag.max, " ms")}; ${
          spread(inline, (r) => r.loginsPerSecond, " logins/s", rate)
        }.`,
    );
  }
  return out;
}

async function machine(): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown";
  const nproc = await new Deno.Command("nproc").output()
    .then((o) => new TextDecoder().decode(o.stdout).trim())
    .catch(() => String(navigator.hardwareConcurrency));
  return `${nproc} CPUs (\`nproc\`), ${model}, ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}`;
}

/** This process's niceness (Linux), or 0 when unknown. */
async function niceness(): Promise<number> {
  const stat = await Deno.readTextFile("/proc/self/stat").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]) || 0;
}

/** The 1-minute load average, to show whether something else shared the machine. */
async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "");
  return text.split(" ")[0] || "unknown";
}

function section(
  results: ModeResult[],
  opts: {
    users: number;
    pingers: number;
    repeat: number;
    nice: number;
    date: string;
    machine: string;
  },
  load: [string, string],
): string {
  return [
    "## Logins",
    "",
    "Does a burst of bcrypt logins stall everyone else? `deno run -A " +
    "bench/login.ts --write-readme` starts the server as a subprocess " +
    "(in-memory KV, bcrypt cost 12) once per hashing mode: the worker pool " +
    "as shipped, and `PasswordHasher({ workers: 0 })`, which hashes on the " +
    `server's main thread. It registers ${opts.users} users, then runs ` +
    `${opts.pingers} loops sending \`GET /healthz\` (back to back, or one ` +
    "per interval each, like mostly idle clients) from the benchmark's own " +
    "process, first alone (idle) and then while all " +
    `${opts.users} users log in at once. Ping latency counts pings sent ` +
    "while logins were in flight; server lag is how late a 10 ms timer in " +
    "the server fired in the same window. The modes alternate, " +
    `${opts.repeat} runs each; every figure is the median of its runs. ` +
    "Times are in ms unless marked.",
    "",
    `Run on ${opts.date}${
      opts.nice ? ` under \`nice -n ${opts.nice}\`` : ""
    }: ${opts.machine}. 1-minute load average ` +
    `${load[0]} before the run and ${load[1]} after; on this shared machine ` +
    "other work may have run at the same time.",
    "",
    table(results),
    "",
    ...findings(results),
    "",
    "Server lag only says how late a timer fired. Hashing inline, each " +
    "queued login blocks the thread for a whole hash whenever its turn " +
    "comes, and a ping needs several turns of the event loop (accept, read, " +
    "a KV read, write), so pings wait far longer than the largest single " +
    "stall. With the pool the thread only passes messages to the workers; " +
    "what remains is the two CPUs being shared by the workers, the server " +
    "and the load generator. A ping is lost when its keep-alive connection " +
    "is closed under it: the server closes a connection after 5 s without " +
    "a request, and when its thread was blocked longer than that (hashing " +
    "inline) it closes connections whose next request is already on the way.",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      serve: { type: "string" },
      users: { type: "string", default: "50" },
      pingers: { type: "string", default: "100" },
      "interval-ms": { type: "string", default: "0,100" },
      "idle-ms": { type: "string", default: "2000" },
      modes: { type: "string", default: "pool,inline" },
      repeat: { type: "string", default: "3" },
      "write-readme": { type: "boolean", default: false },
    },
  });
  if (values.serve !== undefined) {
    if (values.serve !== "pool" && values.serve !== "inline") {
      throw new Error(`--serve pool|inline, got ${values.serve}`);
    }
    return await serve(values.serve);
  }
  const users = Number(values.users);
  const pingers = Number(values.pingers);
  const intervals = values["interval-ms"].split(",").map(Number);
  const idleMs = Number(values["idle-ms"]);
  const repeat = Number(values.repeat);
  const modes = values.modes.split(",").map((m) => m.trim()) as Mode[];
  for (const mode of modes) {
    if (mode !== "pool" && mode !== "inline") {
      throw new Error(`--modes takes pool and/or inline, got ${mode}`);
    }
  }
  const loadBefore = await loadAverage();
  const results: ModeResult[] = [];
  for (const intervalMs of intervals) {
    const runs = new Map<Mode, ModeResult[]>(modes.map((m) => [m, []]));
    // Modes alternate, so load from elsewhere falls on both alike.
    for (let round = 1; round <= repeat; round++) {
      for (const mode of modes) {
        console.error(
          `round ${round}/${repeat}: ${mode}, pings ${pingLoad(intervalMs)}...`,
        );
        const result = await runMode(mode, users, pingers, intervalMs, idleMs);
        if (result.failedLogins > 0) {
          throw new Error(`${mode}: ${result.failedLogins} logins failed`);
        }
        runs.get(mode)!.push(result);
      }
    }
    for (const mode of modes) results.push(medianResult(runs.get(mode)!));
  }
  const load: [string, string] = [loadBefore, await loadAverage()];
  // The figures first, so a failure to format them loses nothing.
  console.error(JSON.stringify(results));
  const text = section(results, {
    users,
    pingers,
    repeat,
    nice: await niceness(),
    date: new Date().toISOString().slice(0, 10),
    machine: await machine(),
  }, load);
  console.log(text);
  if (values["write-readme"]) {
    await writeReadmeSection("Logins", text);
    console.error("bench/README.md updated");
  }
}

if (import.meta.main) await main();

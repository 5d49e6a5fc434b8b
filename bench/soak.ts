/**
 * Soak test: minutes of mixed load against a real server process, watching
 * for errors and for memory that keeps growing.
 *
 *   deno task soak [--minutes 10] [--sockets 500] [--users 40] [--channels 10]
 *                  [--rate 50] [--workers 2] [--reconnect-every 120]
 *                  [--joins 0.5] [--uploads 0.5] [--warmup 2] [--write-readme]
 *
 * The server runs as `deno run -A main.ts --port 0 --host 127.0.0.1 --db <tmp>`
 * with a file database and `HEARTH_BCRYPT_COST=4`, so signing up the users is
 * quick. Accounts are registered and signed in over HTTP; registrations are
 * limited to 50 an hour per address, so several sockets share a user, as
 * browser tabs do. The sockets are spread over Web Workers (see
 * `soak_worker.ts`); each chats in a channel at random intervals (`--rate`
 * messages per second in all, one in ten sends a typing notice instead),
 * disconnects now and then and resumes with `after=`, and some switch to a
 * channel their user has just joined; small files are uploaded and some are
 * downloaded and compared. Every socket checks its channel's seqs for gaps
 * and duplicates, every sent message must come back to its sender, and at the
 * end every socket must have reached its channel's last seq. The server's RSS
 * and CPU time are read from /proc every 10 s.
 */
import { writeReadmeSection } from "./_hearth.ts";
import { emptyStats } from "./_soak_stats.ts";
import { parseArgs } from "node:util";
import type { SocketPlan, WorkerConfig, WorkerStats } from "./soak_worker.ts";
import { type Spawned, spawnHearth } from "../tests/helpers/process.ts";

const PASSWORD = "soak test password";
const SAMPLE_MS = 10_000;

interface Sample {
  seconds: number;
  rssMb: number;
  /** Heap and other private memory (RssAnon). */
  anonMb: number;
  /** Mapped files, such as the database (RssFile). */
  fileMb: number;
  /** The database file and its write-ahead log. */
  dbMb: number;
  /** JS heap after the latest full collection. */
  liveHeapMb: number;
  cpuPercent: number;
  sentPerSecond: number;
  deliveredPerSecond: number;
  open: number;
}

/** The server as a child process, with its log lines watched for faults. */
class Server {
  /** The running process, once it has printed its address. */
  readonly started: Promise<Spawned>;
  readonly url: Promise<string>;
  faults = 0;
  /** The inspector's WebSocket address, when started with `inspect`. */
  readonly inspectorUrl: Promise<string>;
  faultExamples: string[] = [];
  logLines = 0;
  #pid = 0;

  constructor(readonly db: string, inspect: boolean) {
    let inspector: (url: string) => void;
    this.inspectorUrl = new Promise((resolve) => (inspector = resolve));
    const expected = {
      stdout: (line: string) => /^Hearth is running: open \S+/.test(line),
      stderr: (line: string) => {
        const m = /^Debugger listening on (ws:\/\/\S+)/.exec(line);
        if (m) inspector(m[1]);
        return m !== null || line.startsWith("Visit chrome://inspect") ||
          /^Debugger session (started|ended)/.test(line);
      },
    };
    this.started = spawnHearth({
      db,
      // The soak reads the JS heap through the inspector (see Inspector).
      denoArgs: inspect ? ["--inspect=127.0.0.1:0"] : [],
      env: { HEARTH_BCRYPT_COST: "4", NO_COLOR: "1" },
      onLine: (line, stream) => this.#watch(line, expected[stream]),
    });
    this.url = this.started.then((hearth) => {
      this.#pid = hearth.pid;
      return hearth.url.replace("localhost", "127.0.0.1");
    });
  }

  /** The server's process id, once it is running. */
  get pid(): number {
    return this.#pid;
  }

  /** Counts error and warning log lines, and any other line not `expected`, as faults. */
  #watch(line: string, expected: (line: string) => boolean): void {
    this.logLines++;
    if (expected(line) || line.trim() === "") return;
    const level = /^\{.*"level":"(\w+)"/.exec(line)?.[1];
    // Lines that are not log lines (uncaught errors, warnings) count too.
    if (level === undefined || level === "error" || level === "warn") {
      this.faults++;
      if (this.faultExamples.length < 10) {
        this.faultExamples.push(line.slice(0, 300));
      }
    }
  }

  /** VmRSS in MiB and the process's CPU seconds so far (user + system). */
  async usage(): Promise<
    {
      rssMb: number;
      anonMb: number;
      fileMb: number;
      dbMb: number;
      cpuSeconds: number;
    }
  > {
    const pid = this.#pid;
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const field = (name: string) =>
      Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
    let dbBytes = 0;
    for (const suffix of ["", "-wal", "-shm"]) {
      dbBytes += await Deno.stat(this.db + suffix).then((s) => s.size, () => 0);
    }
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // Fields after the ")" that closes the command name; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      rssMb: field("VmRSS"),
      anonMb: field("RssAnon"),
      fileMb: field("RssFile") + field("RssShmem"),
      dbMb: dbBytes / 1024 / 1024,
      cpuSeconds: ticks / 100,
    };
  }

  async stop(): Promise<void> {
    // A server that failed to start was already killed by spawnHearth.
    const hearth = await this.started.catch(() => undefined);
    await hearth?.stop("SIGTERM");
  }
}

/**
 * A minimal Chrome DevTools Protocol client for the server's inspector:
 * forces a full collection and reads how much JS heap is still in use, which
 * tells a leak (live heap keeps growing) from memory the process merely keeps.
 */
class Inspector {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, (result: Record<string, number>) => void>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.id !== undefined) {
        this.#pending.get(msg.id)?.(msg.result ?? {});
        this.#pending.delete(msg.id);
      }
    };
  }

  static connect(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new Inspector(ws));
      ws.onerror = () => reject(new Error(`inspector at ${url} refused`));
    });
  }

  call(method: string): Promise<Record<string, number>> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#ws.send(JSON.stringify({ id, method }));
    });
  }

  /** MiB of JS heap in use right after a full garbage collection. */
  async liveHeapMb(): Promise<number> {
    await this.call("HeapProfiler.collectGarbage");
    const { usedSize } = await this.call("Runtime.getHeapUsage");
    return usedSize / 1024 / 1024;
  }

  close(): void {
    this.#ws.close();
  }
}

async function json(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  }
  return text ? JSON.parse(text) : null;
}

function percentileFromHistogram(h: Uint32Array, p: number): number {
  let total = 0;
  for (const n of h) total += n;
  if (total === 0) return NaN;
  const target = Math.ceil(total * p);
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i];
    if (seen >= target) return (i + 1) / 10; // upper edge of a 0.1 ms bucket
  }
  return NaN;
}

function maxFromHistogram(h: Uint32Array): number {
  for (let i = h.length - 1; i >= 0; i--) if (h[i] > 0) return (i + 1) / 10;
  return NaN;
}

async function machine(): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ??
    "unknown CPU";
  const mem = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(mem)?.[1] ?? 0);
  return `${navigator.hardwareConcurrency} × ${model}, ${
    (memKb / 1024 / 1024).toFixed(0)
  } GiB RAM, ${Deno.build.os} ${Deno.osRelease()}, Deno ${Deno.version.deno}`;
}

/** Busy CPU seconds of the whole machine so far (all CPUs), from /proc/stat. */
async function machineBusySeconds(): Promise<number> {
  const text = await Deno.readTextFile("/proc/stat");
  const [, ...ticks] = text.split("\n")[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] -
    ticks[4];
  return busy / 100;
}

/** CPU seconds used by this process (the load generator and its workers). */
async function selfCpuSeconds(): Promise<number> {
  const stat = await Deno.readTextFile("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "? ? ?");
  return text.split(" ").slice(0, 3).join(" ");
}

function addStats(into: WorkerStats, from: WorkerStats): void {
  for (
    const key of [
      "sent",
      "acked",
      "typingSent",
      "delivered",
      "replayed",
      "reconnects",
      "joins",
      "uploads",
      "downloads",
      "open",
    ] as const
  ) {
    into[key] += from[key];
  }
  for (const [kind, n] of Object.entries(from.errors)) {
    into.errors[kind] = (into.errors[kind] ?? 0) + n;
  }
  into.examples.push(...from.examples);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      minutes: { type: "string", default: "10" },
      sockets: { type: "string", default: "500" },
      users: { type: "string", default: "40" },
      channels: { type: "string", default: "10" },
      rate: { type: "string", default: "50" },
      workers: { type: "string", default: "2" },
      "reconnect-every": { type: "string", default: "120" },
      joins: { type: "string", default: "0.5" },
      uploads: { type: "string", default: "0.5" },
      warmup: { type: "string", default: "2" },
      // Without the inspector: no heap figures, no forced collections.
      plain: { type: "boolean", default: false },
      seed: { type: "string", default: "1" },
      "write-readme": { type: "boolean", default: false },
    },
  });
  const minutes = Number(values.minutes);
  const socketCount = Number(values.sockets);
  const userCount = Number(values.users);
  const channelCount = Number(values.channels);
  const rate = Number(values.rate);
  const workerCount = Number(values.workers);
  const warmupMinutes = Math.min(Number(values.warmup), minutes / 2);
  if (userCount > 48) {
    throw new Error("--users: at most 48 (registration limit per address)");
  }
  const loadBefore = await loadAverage();
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const dir = await Deno.makeTempDir({ prefix: "hearth-soak-" });
  const server = new Server(`${dir}/soak.db`, !values.plain);
  let inspector: Inspector | null = null;
  const workers: Worker[] = [];
  try {
    const base = await Promise.race([
      server.url,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("server did not start")), 60_000)
      ),
    ]);
    console.error(`soak: server pid ${server.pid} at ${base}`);
    if (!values.plain) {
      inspector = await Inspector.connect(await server.inspectorUrl);
    }
    const liveHeap = async () => inspector ? await inspector.liveHeapMb() : NaN;

    // Accounts, channels, memberships.
    const users: { id: string; token: string }[] = [];
    for (let i = 0; i < userCount; i++) {
      const username = `soak${i}`;
      const user = await json(base, "POST", "/auth/register", {
        username,
        password: PASSWORD,
      });
      const login = await json(base, "POST", "/auth/login", {
        username,
        password: PASSWORD,
      });
      users.push({ id: user.id, token: login.access_token });
    }
    const general =
      (await json(base, "GET", "/channels", undefined, users[0].token))
        .find((c: { name: string }) => c.name === "general").id as string;
    const channels = [general];
    for (let i = 1; i < channelCount; i++) {
      const c = await json(base, "POST", "/channels", {
        name: `soak-${i}`,
      }, users[i % userCount].token);
      channels.push(c.id);
    }
    // Everyone is in general; each user also joins two more rooms.
    const memberOf = users.map((_, u) => [
      general,
      channels[1 + (u % (channelCount - 1))],
      channels[1 + ((u * 7 + 3) % (channelCount - 1))],
    ]);
    for (const [u, rooms] of memberOf.entries()) {
      for (const room of new Set(rooms)) {
        await json(base, "POST", `/channels/${room}/join`, {}, users[u].token);
      }
    }
    const plans: SocketPlan[] = [];
    for (let i = 0; i < socketCount; i++) {
      const u = i % userCount;
      const rooms = memberOf[u];
      plans.push({
        userId: users[u].id,
        token: users[u].token,
        channelId: rooms[Math.floor(i / userCount) % rooms.length],
      });
    }

    // Workers, each with its share of the sockets.
    const progress = new Map<number, WorkerStats>();
    const waiters = new Map<string, () => void>();
    const results: WorkerStats[] = [];
    const arrived = (type: string, n: number) =>
      new Promise<void>((resolve) => {
        let count = 0;
        waiters.set(type, () => {
          if (++count === n) resolve();
        });
      });
    const ready = arrived("ready", workerCount);
    for (let w = 0; w < workerCount; w++) {
      const worker = new Worker(
        new URL("./soak_worker.ts", import.meta.url),
        { type: "module" },
      );
      worker.onmessage = (e) => {
        const msg = e.data;
        if (msg.stats) progress.set(w, msg.stats);
        if (msg.type === "result") results.push(msg.stats);
        waiters.get(msg.type)?.();
      };
      worker.onerror = (e) => {
        console.error(`soak: worker ${w} failed: ${e.message}`);
        e.preventDefault();
      };
      const config: WorkerConfig = {
        id: w,
        base,
        sockets: plans.filter((_, i) => i % workerCount === w),
        channels,
        messagesPerSecond: rate / workerCount,
        reconnectEverySeconds: Number(values["reconnect-every"]),
        joinsPerSecond: Number(values.joins) / workerCount,
        uploadsPerSecond: Number(values.uploads) / workerCount,
        seed: Number(values.seed) * 1000 + w,
      };
      worker.postMessage({ type: "start", config });
      workers.push(worker);
    }
    await ready;
    console.error(
      `soak: ${socketCount} sockets open (${userCount} users, ${channelCount} channels, ${workerCount} workers); running ${minutes} min`,
    );

    // Run, sampling the server every 10 s.
    const started = performance.now();
    const cpuAtStart = {
      machine: await machineBusySeconds(),
      self: await selfCpuSeconds(),
      server: (await server.usage()).cpuSeconds,
    };
    const channelsAtStart: Record<string, number> = {};
    for (const p of plans) {
      channelsAtStart[p.channelId] = (channelsAtStart[p.channelId] ?? 0) + 1;
    }
    const samples: Sample[] = [];
    const total = () => {
      const sum = emptyStats();
      for (const s of progress.values()) addStats(sum, s);
      return sum;
    };
    let last = { t: started, ...(await server.usage()), ...total() };
    samples.push({
      seconds: 0,
      rssMb: last.rssMb,
      anonMb: last.anonMb,
      fileMb: last.fileMb,
      dbMb: last.dbMb,
      liveHeapMb: await liveHeap(),
      cpuPercent: NaN,
      sentPerSecond: NaN,
      deliveredPerSecond: NaN,
      open: last.open,
    });
    const end = started + minutes * 60_000;
    while (performance.now() < end) {
      await new Promise((r) =>
        setTimeout(r, Math.min(SAMPLE_MS, end - performance.now()))
      );
      const t = performance.now();
      const usage = await server.usage();
      const liveHeapMb = await liveHeap();
      const now = total();
      const dt = (t - last.t) / 1000;
      const sample: Sample = {
        seconds: Math.round((t - started) / 1000),
        rssMb: usage.rssMb,
        anonMb: usage.anonMb,
        fileMb: usage.fileMb,
        dbMb: usage.dbMb,
        liveHeapMb,
        cpuPercent: (usage.cpuSeconds - last.cpuSeconds) / dt * 100,
        sentPerSecond: (now.sent - last.sent) / dt,
        deliveredPerSecond: (now.delivered - last.delivered) / dt,
        open: now.open,
      };
      samples.push(sample);
      console.error(
        `soak: ${sample.seconds}s rss ${sample.rssMb.toFixed(1)} MiB (anon ${
          sample.anonMb.toFixed(1)
        }, file ${sample.fileMb.toFixed(1)}, db ${
          sample.dbMb.toFixed(1)
        }, live heap ${sample.liveHeapMb.toFixed(1)}), cpu ${
          sample.cpuPercent.toFixed(0)
        }%, sent ${sample.sentPerSecond.toFixed(1)}/s, delivered ${
          sample.deliveredPerSecond.toFixed(0)
        }/s, open ${sample.open}, errors ${
          Object.values(now.errors).reduce((a, b) => a + b, 0)
        }`,
      );
      last = { t, ...usage, ...now };
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpuAtEnd = {
      machine: await machineBusySeconds(),
      self: await selfCpuSeconds(),
      server: (await server.usage()).cpuSeconds,
    };
    // In CPUs (1 = one core busy all the time), averaged over the run.
    const cpu = {
      server: (cpuAtEnd.server - cpuAtStart.server) / elapsed,
      generator: (cpuAtEnd.self - cpuAtStart.self) / elapsed,
      others: ((cpuAtEnd.machine - cpuAtStart.machine) -
        (cpuAtEnd.server - cpuAtStart.server) -
        (cpuAtEnd.self - cpuAtStart.self)) / elapsed,
    };

    // Stop, let traffic settle, then check every socket reached its channel's end.
    const stopped = arrived("stopped", workerCount);
    for (const worker of workers) worker.postMessage({ type: "stop" });
    await stopped;
    const everything = await json(
      base,
      "GET",
      "/channels?scope=all",
      undefined,
      users[0].token,
    );
    const lastSeq: Record<string, number> = {};
    for (const c of everything) lastSeq[c.id] = c.lastSeq;
    const finished = arrived("result", workerCount);
    for (const worker of workers) {
      worker.postMessage({ type: "verify", lastSeq });
    }
    await finished;
    const final = await server.usage();

    const sum = emptyStats();
    const histogram = new Uint32Array(results[0].histogram!.length);
    for (const r of results) {
      addStats(sum, r);
      r.histogram!.forEach((n, i) => (histogram[i] += n));
    }
    if (server.faults > 0) sum.errors["server log error/warn"] = server.faults;
    const errorCount = Object.values(sum.errors).reduce((a, b) => a + b, 0);
    const p50 = percentileFromHistogram(histogram, 0.5);
    const p99 = percentileFromHistogram(histogram, 0.99);
    const max = maxFromHistogram(histogram);
    const afterWarmup = samples.filter((s) => s.seconds >= warmupMinutes * 60);
    const warm = afterWarmup[0] ?? samples[0];
    const peak = Math.max(...samples.map((s) => s.rssMb));
    const steady = afterWarmup.slice(1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const totalMessages = Object.values(lastSeq).reduce((a, b) => a + b, 0);
    const loadAfter = await loadAverage();

    const summary = [
      "| measure | value |",
      "| --- | --- |",
      `| duration | ${(elapsed / 60).toFixed(1)} min of load after setup |`,
      `| sockets | ${socketCount} (${userCount} users, ${channelCount} channels, ${workerCount} workers) |`,
      `| messages sent and acknowledged | ${sum.acked} of ${sum.sent} (${
        (sum.sent / elapsed).toFixed(1)
      }/s), plus ${sum.typingSent} typing notices |`,
      `| deliveries (live) | ${sum.delivered} (${
        (sum.delivered / elapsed).toFixed(0)
      }/s) |`,
      `| replayed on resume (\`after=\`) | ${sum.replayed} |`,
      `| send-to-deliver latency | p50 ${p50.toFixed(1)} ms, p99 ${
        p99.toFixed(1)
      } ms, max ${max.toFixed(0)} ms |`,
      `| reconnects / channel switches | ${sum.reconnects} / ${sum.joins} |`,
      `| files uploaded / downloaded and compared | ${sum.uploads} / ${sum.downloads} |`,
      `| messages stored in all | ${totalMessages} |`,
      `| errors | ${errorCount}${
        errorCount
          ? ": " +
            Object.entries(sum.errors).map(([k, n]) => `${k} ×${n}`).join(", ")
          : ""
      } |`,
      `| server RSS | ${samples[0].rssMb.toFixed(0)} MiB at start, ${
        warm.rssMb.toFixed(0)
      } MiB after ${warmupMinutes} min warm-up, ${
        final.rssMb.toFixed(0)
      } MiB at the end (peak ${peak.toFixed(0)}) |`,
      `| server JS heap in use after a full GC | ${
        samples[0].liveHeapMb.toFixed(1)
      } MiB at start, ${warm.liveHeapMb.toFixed(1)} MiB after warm-up, ${
        samples.at(-1)!.liveHeapMb.toFixed(1)
      } MiB at the end |`,
      `| server CPU | ${
        steady.length ? mean(steady.map((s) => s.cpuPercent)).toFixed(0) : "?"
      } % of one core on average after warm-up |`,
    ].join("\n");
    const everyMinute = samples.filter((s, i) =>
      s.seconds % 60 < SAMPLE_MS / 1000 || i === samples.length - 1
    );
    const rssTable = [
      "| time | server RSS (MiB) | of which anon / file (MiB) | live JS heap after a full GC (MiB) | database file (MiB) | server CPU | sent/s | delivered/s | open sockets |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...everyMinute.map((s) =>
        `| ${Math.floor(s.seconds / 60)}:${
          String(s.seconds % 60).padStart(2, "0")
        } | ${s.rssMb.toFixed(1)} | ${s.anonMb.toFixed(1)} / ${
          s.fileMb.toFixed(1)
        } | ${Number.isNaN(s.liveHeapMb) ? "" : s.liveHeapMb.toFixed(1)} | ${
          s.dbMb.toFixed(1)
        } | ${
          Number.isNaN(s.cpuPercent) ? "" : s.cpuPercent.toFixed(0) + " %"
        } | ${
          Number.isNaN(s.sentPerSecond) ? "" : s.sentPerSecond.toFixed(1)
        } | ${
          Number.isNaN(s.deliveredPerSecond)
            ? ""
            : s.deliveredPerSecond.toFixed(0)
        } | ${s.open} |`
      ),
    ].join("\n");
    const channelsAtEnd: Record<string, number> = {};
    for (const r of results) {
      for (const [id, n] of Object.entries(r.channels ?? {})) {
        channelsAtEnd[id] = (channelsAtEnd[id] ?? 0) + n;
      }
    }
    const fanout = (counts: Record<string, number>) => {
      // Each socket sends at the same rate, so a message reaches on average
      // sum(n²)/sum(n) sockets.
      const ns = Object.values(counts);
      return ns.reduce((a, n) => a + n * n, 0) / ns.reduce((a, n) => a + n, 0);
    };
    const findings = [
      errorCount === 0
        ? "No errors: no gap or duplicate on any socket, every message came " +
          "back to its sender, every socket reached its channel's last seq, " +
          "and the server logged no error or warning."
        : `${errorCount} errors (see the table).`,
      `After the warm-up the server's RSS went from ${
        warm.rssMb.toFixed(1)
      } to ${final.rssMb.toFixed(1)} MiB and its live JS heap from ${
        warm.liveHeapMb.toFixed(1)
      } to ${samples.at(-1)!.liveHeapMb.toFixed(1)} MiB, while the database ` +
      `file grew from ${warm.dbMb.toFixed(1)} to ${
        samples.at(-1)!.dbMb.toFixed(1)
      } MiB.`,
      `Deliveries per message depend on how sockets spread over channels: ` +
      `${channelsAtStart[general] ?? 0} sockets watched \`general\` at the ` +
      `start and ${channelsAtEnd[general] ?? 0} at the end, so a message ` +
      `reached ${fanout(channelsAtStart).toFixed(0)} sockets on average at ` +
      `the start and ${fanout(channelsAtEnd).toFixed(0)} at the end; ` +
      "deliveries per second follow that, not the send rate.",
      `CPU over the run, in cores busy on average: server ${
        cpu.server.toFixed(2)
      }, load generator ${cpu.generator.toFixed(2)}, everything else on the ` +
      `machine ${cpu.others.toFixed(2)} (of ${navigator.hardwareConcurrency}).`,
    ];
    const report = { summary, rssTable, findings };
    console.log(`\n${summary}\n\n${rssTable}\n\n${findings.join("\n\n")}\n`);
    if (sum.examples.length || server.faultExamples.length) {
      console.log("First errors:");
      for (const e of [...sum.examples, ...server.faultExamples].slice(0, 20)) {
        console.log(`  ${e}`);
      }
    }
    console.log(`load average before ${loadBefore}, after ${loadAfter}`);
    if (values["write-readme"]) {
      await writeReadmeSection(
        "Soak",
        section({
          ...report,
          date,
          machine: await machine(),
          load: [loadBefore, loadAfter],
          minutes,
          socketCount,
          userCount,
          channelCount,
          rate,
          workerCount,
          reconnectEvery: Number(values["reconnect-every"]),
          joins: Number(values.joins),
          uploads: Number(values.uploads),
          warmupMinutes,
        }),
      );
      console.error("soak: bench/README.md updated");
    }
    if (errorCount > 0) Deno.exitCode = 1;
  } finally {
    inspector?.close();
    for (const worker of workers) worker.terminate();
    await server.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function section(o: {
  summary: string;
  rssTable: string;
  findings: string[];
  date: string;
  machine: string;
  load: [string, string];
  minutes: number;
  socketCount: number;
  userCount: number;
  channelCount: number;
  rate: number;
  workerCount: number;
  reconnectEvery: number;
  joins: number;
  uploads: number;
  warmupMinutes: number;
}): string {
  return [
    "## Soak",
    "",
    `\`deno task soak --minutes ${o.minutes} --write-readme\` runs ` +
    `${o.minutes} minutes of mixed load against the real server as a ` +
    "subprocess (`deno run -A main.ts --port 0 --host 127.0.0.1 --db " +
    "<tmp file>`, bcrypt cost 4 through `HEARTH_BCRYPT_COST`). It signs up " +
    `${o.userCount} users over HTTP (registrations are limited per ` +
    `address, so each user has about ${
      Math.round(o.socketCount / o.userCount)
    } sockets, like browser tabs) and opens ${o.socketCount} WebSockets ` +
    `across ${o.channelCount} channels from ${o.workerCount} Web Workers. ` +
    `The sockets send about ${o.rate} messages per second in all at random ` +
    "intervals (one send in ten is a typing notice instead), each " +
    `disconnects about every ${o.reconnectEvery} s and resumes with ` +
    `\`after=\`, about ${o.joins} times a second a user joins another ` +
    "channel and moves a socket there, and about " +
    `${o.uploads} small files (1 B to 64 KiB) a second are uploaded, a ` +
    "third of them downloaded again and compared. Errors are: a gap or a " +
    "duplicate in any socket's seqs, a sent message that never comes back, " +
    "an error frame, an unexpected close, a failed request, a socket short " +
    "of its channel's last seq at the end, and any error or warning line in " +
    "the server's log. Latency runs from the sender's `send()` to each " +
    "receiving socket's `message` event, over live deliveries only (not " +
    "replays after a resume). Every 10 s the soak reads the server's VmRSS " +
    "(split into anonymous memory and mapped files), CPU time and database " +
    "file size, and, through the server's inspector (`--inspect`, the only " +
    "flag added to the command line), forces a full garbage collection and " +
    "reads the JS heap still in use: a leak shows there as steady growth.",
    "",
    `Run on ${o.date} UTC: ${o.machine}. Load generator and server share ` +
    `the machine. Load average (1, 5, 15 min) ${
      o.load[0]
    } before the run and ` +
    `${o.load[1]} after; on this shared machine other work may have run at ` +
    "the same time.",
    "",
    o.summary,
    "",
    "Server memory and throughput over the run (one row a minute):",
    "",
    o.rssTable,
    "",
    ...o.findings.flatMap((f) => [f, ""]),
  ].join("\n");
}

if (import.meta.main) await main();

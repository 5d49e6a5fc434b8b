/**
 * Shared pieces of the benchmarks: seeding a Hearth database with accounts,
 * starting servers as subprocesses (so load generator and server never share
 * an event loop), minting tokens, and percentiles.
 */
import { loadSigningKey } from "../lib/auth/secret.ts";
import { signToken } from "../lib/auth/token.ts";
import { createChannel, joinChannel } from "../lib/db/channels.ts";
import { createUser, type User } from "../lib/db/users.ts";
import { INSPECTOR_LINE } from "./_profile.ts";
import {
  type Spawned,
  spawnHearth as spawnMain,
  spawnScript,
} from "../tests/helpers/process.ts";

/** A bcrypt-shaped hash nobody can log in with: benchmark users only use minted tokens. */
const UNUSABLE_HASH = "$2b$04$" + "x".repeat(53);

/** A seeded database: users (all in `general`), the general channel and tokens. */
export interface Seeded {
  users: User[];
  generalId: string;
  tokens: string[];
  /** A fresh channel owned by the first user, when asked for. */
  channelId?: string;
}

/**
 * Creates `count` accounts directly in the KV file at `path` (registration
 * over HTTP is rate limited per address and runs bcrypt), and signs one
 * token per user with the key `secret` derives, exactly as the server will.
 * With `channel`, every user also joins a fresh public channel.
 */
export async function seed(
  path: string,
  count: number,
  secret: string,
  channel = false,
): Promise<Seeded> {
  const kv = await Deno.openKv(path);
  try {
    const users: User[] = [
      await createUser(kv, { username: "user0", passwordHash: UNUSABLE_HASH }),
    ];
    // The first account creates general; the rest join it concurrently.
    for (let i = 1; i < count; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(count, i + 100); j++) {
        batch.push(
          createUser(kv, { username: `user${j}`, passwordHash: UNUSABLE_HASH }),
        );
      }
      users.push(...await Promise.all(batch));
    }
    const general = await kv.get<string>(["channels_by_name", "general"]);
    const key = await loadSigningKey(kv, secret);
    const tokens = await Promise.all(
      users.map(async (u) => (await signToken(key, u.id, 86_400)).token),
    );
    const seeded: Seeded = {
      users,
      generalId: general.value!,
      tokens,
    };
    if (channel) {
      const created = await createChannel(kv, users[0].id, { name: "bench" });
      for (let i = 1; i < count; i += 100) {
        await Promise.all(
          users.slice(i, i + 100).map((u) => joinChannel(kv, created.id, u.id)),
        );
      }
      seeded.channelId = created.id;
    }
    return seeded;
  } finally {
    kv.close();
  }
}

/** A server running as a child process. */
export interface Child {
  pid: number;
  port: number;
  base: string;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Spawns `deno run -A <script> ...args` from the repository root and waits for
 * `http://127.0.0.1:PORT` on its standard output. Later output is drained and
 * dropped (Hearth logs a line per request).
 */
export async function spawnServer(
  script: string,
  args: string[],
): Promise<Child> {
  return toChild(
    await spawnScript(script, /(http:\/\/127\.0\.0\.1:\d+)/, {
      args,
      stderr: "inherit",
      timeoutMs: Infinity,
    }),
  );
}

/** Wraps a spawned process as a Child: stop is SIGTERM, then SIGKILL after 5 s. */
function toChild(spawned: Spawned): Child {
  return {
    pid: spawned.pid,
    port: spawned.port,
    base: `http://127.0.0.1:${spawned.port}`,
    async stop() {
      const timer = setTimeout(() => spawned.stop("SIGKILL"), 5000);
      await spawned.stop("SIGTERM");
      clearTimeout(timer);
    },
  };
}

/**
 * Starts Hearth from main.ts on a free port with the database at `db`;
 * `denoArgs` go to `deno run`. With `inspect`, the server also runs with
 * `--inspect=127.0.0.1:0` and `inspect` gets the inspector's address (for
 * bench/_profile.ts). `args` are more flags for Hearth (e.g. `--workers 2`).
 */
export async function spawnHearth(
  db: string,
  secret: string,
  denoArgs: string[] = [],
  inspect?: (url: string) => void,
  args: string[] = [],
): Promise<Child> {
  return toChild(
    await spawnMain({
      db,
      args: ["--secret", secret, ...args],
      stderr: inspect ? "piped" : "inherit",
      timeoutMs: Infinity,
      denoArgs: inspect ? [...denoArgs, "--inspect=127.0.0.1:0"] : denoArgs,
      ...inspect
        ? {
          onLine: (line: string) => {
            const match = INSPECTOR_LINE.exec(line);
            if (match) inspect(match[1]);
            else if (!line.startsWith("{")) console.error(line);
          },
        }
        : {},
    }),
  );
}

// USER_HZ: /proc reports CPU time in these ticks on every Linux build in use.
const CLOCK_TICKS = 100;

/** CPU time (user + system, all threads) a process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds per thread of process `pid`, summed by thread name ("main" for
 * the JavaScript thread, "tokio-runtime-w", "V8 DefaultWorke" ...), to tell
 * the event loop's share of a server's CPU from its helper threads'.
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const name = task.name === String(pid)
        ? "main"
        : Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/comm`).trim();
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return byName;
}

/**
 * Restricts every thread of process `pid` to the CPUs in `cpus` (a taskset
 * list such as "0" or "1-3"); threads it starts later inherit that. False when
 * `taskset` is missing or refuses.
 */
export async function pinTo(pid: number, cpus: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("taskset", {
      args: ["-a", "-p", "-c", cpus, String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** A random secret suitable for `--secret`. */
export function randomSecret(): string {
  return crypto.randomUUID() + crypto.randomUUID();
}

/** The value below which `p` percent of `sorted` (ascending) lie. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)];
}

/** The machine a run happened on, for the report. */
export async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = info.match(/model name\s*:\s*(.+)/)?.[1] ?? cpu;
  } catch {
    // Not Linux: the CPU model stays unknown.
  }
  return `${navigator.hardwareConcurrency} CPUs (${cpu}), ${Deno.build.os}, Deno ${Deno.version.deno}`;
}

/** The 1, 5 and 15 minute load averages, to show how busy the machine was. */
export async function loadAverage(): Promise<string> {
  try {
    const [one, five, fifteen] = (await Deno.readTextFile("/proc/loadavg"))
      .split(" ");
    return `load average ${one}, ${five}, ${fifteen}`;
  } catch {
    return "load average unknown";
  }
}

/**
 * Replaces the `## heading` section of bench/README.md with `text` (or appends
 * it), re-reading the file first since other benchmarks write other sections.
 */
export async function writeReadmeSection(
  heading: string,
  text: string,
): Promise<void> {
  const path = new URL("./README.md", import.meta.url);
  const existing = await Deno.readTextFile(path).catch(() => null);
  let out: string;
  if (existing === null) {
    out = [
      "# Benchmarks",
      "",
      "Load generators and measurements for Hearth. Figures depend on the",
      "machine; each section names the machine, the date and the method.",
      "",
      text,
    ].join("\n");
  } else {
    const start = existing.search(new RegExp(`^## ${heading}\\s*$`, "m"));
    if (start === -1) {
      out = existing.trimEnd() + "\n\n" + text;
    } else {
      const next = existing.slice(start + 1).search(/^## /m);
      out = existing.slice(0, start) + text.trimEnd() + "\n" +
        (next === -1 ? "" : "\n" + existing.slice(start + 1 + next));
    }
  }
  await Deno.writeTextFile(path, out.trimEnd() + "\n");
  // Wrapped the way `deno fmt --check` wants it.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", path.pathname],
  }).output();
}

/** Resident memory of process `pid` in MB (VmRSS from /proc), NaN where unknown. */
export function rssMegabytes(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = status.match(/^VmRSS:\s+(\d+) kB/m)?.[1];
    return kb === undefined ? NaN : Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * Makes sure this process (and the servers it starts, which inherit the limit)
 * may open `needed` descriptors, `wanted` if it can: raises the soft limit up
 * to the hard one with `prlimit` when it is lower, and fails saying so when
 * even that is below `needed`. Returns the soft limit.
 */
export async function ensureDescriptors(
  needed: number,
  wanted = needed,
): Promise<number> {
  const read = () => {
    const text = Deno.readTextFileSync("/proc/self/limits");
    const m = text.match(
      /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m,
    );
    const n = (v: string | undefined) =>
      v === undefined || v === "unlimited" ? Infinity : Number(v);
    return { soft: n(m?.[1]), hard: n(m?.[2]) };
  };
  let { soft, hard } = read();
  if (soft < wanted && hard > soft) {
    const value = hard === Infinity ? "unlimited" : String(hard);
    await new Deno.Command("prlimit", {
      args: ["--pid", String(Deno.pid), `--nofile=${value}:${value}`],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => {});
    ({ soft, hard } = read());
  }
  if (soft < needed) {
    throw new Error(
      `${needed} open files are needed and the limit is ${soft} (hard ${hard}); raise it with ulimit -n`,
    );
  }
  return soft;
}

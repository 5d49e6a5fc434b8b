/**
 * Running Hearth (or another server script) as a real subprocess: spawn it
 * from the repository root, wait for the address it prints, keep reading its
 * output so the pipes never fill, and stop it. Shared by the tests and the
 * benchmarks. Nothing here prints: a caller that wants the output passes
 * `onLine` or reads `output()`, so a passing test run stays quiet.
 */
import { withDeadline } from "./deadline.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The line `main.ts` prints once it listens; group 1 is its URL. */
const HEARTH_READY = /Hearth is running: open (http:\/\/\S+)/;

/** Lines of output kept for error messages. */
const TAIL_LINES = 50;

/** Lines of output `output()` keeps; older ones are dropped first. */
const OUTPUT_LINES = 5_000;

/** How long `stop()` waits for the process to end before it kills it. */
const STOP_TIMEOUT_MS = 15_000;

/** Splits a byte stream into text lines; a last line without a newline is yielded too. */
export async function* lines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffered.indexOf("\n")) !== -1) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
  if (buffered) yield buffered;
}

/** How to start a server script with `deno run -A`. */
export interface SpawnOptions {
  /** Arguments after the script. */
  args?: string[];
  /** Flags for `deno run` before the script, e.g. `--inspect=127.0.0.1:0`. */
  denoArgs?: string[];
  /** Extra environment variables (the parent's environment is inherited). */
  env?: Record<string, string>;
  /** `piped` (default) reads stderr line by line like stdout; `inherit` passes it through. */
  stderr?: "piped" | "inherit";
  /** Called for every line printed, including the ready line, until the process ends. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** How long to wait for the ready line, in ms; `Infinity` waits as long as it takes. Default 60 s. */
  timeoutMs?: number;
}

/** A server running as a child process. */
export interface Spawned {
  child: Deno.ChildProcess;
  pid: number;
  /** The URL as printed, e.g. `http://127.0.0.1:39123/`. */
  url: string;
  /** The URL without a trailing slash, e.g. `http://127.0.0.1:39123`. */
  base: string;
  port: number;
  /** Settles with the exit status once the process has ended and its pipes are drained. */
  ended: Promise<Deno.CommandStatus>;
  /**
   * Sends `signal` (SIGTERM by default; ignored if the process is gone) and
   * waits for `ended`. A process still running after `timeoutMs` (default
   * 15 s) is killed with SIGKILL, and the call fails saying so.
   */
  stop(signal?: Deno.Signal, timeoutMs?: number): Promise<Deno.CommandStatus>;
  /** The last lines printed (stdout and stderr interleaved), for a failing test's report. */
  output(): string[];
}

/** Spawns `deno run -A <script> ...args` from the repository root and waits until a stdout line matches `ready` (group 1: the URL). */
export async function spawnScript(
  script: string,
  ready: RegExp,
  options: SpawnOptions = {},
): Promise<Spawned> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...options.denoArgs ?? [],
      script,
      ...options.args ?? [],
    ],
    cwd: ROOT,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: options.stderr ?? "piped",
  }).spawn();
  const tail: string[] = [];
  const output: string[] = [];
  let announce!: (url: string) => void;
  const announced = new Promise<string>((resolve) => announce = resolve);
  const read = async (
    stream: ReadableStream<Uint8Array>,
    name: "stdout" | "stderr",
  ) => {
    for await (const line of lines(stream)) {
      if (name === "stdout") {
        const match = ready.exec(line);
        if (match) announce(match[1]);
      }
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      output.push(line);
      if (output.length > OUTPUT_LINES) output.shift();
      options.onLine?.(line, name);
    }
  };
  // Every pipe is read to the end, always: a full pipe would stall the server.
  const drained = Promise.all([
    read(child.stdout, "stdout"),
    options.stderr === "inherit" ? undefined : read(child.stderr, "stderr"),
  ]);
  const ended = drained.then(() => child.status);
  const signal = (name: Deno.Signal) => {
    try {
      child.kill(name);
    } catch {
      // Already gone.
    }
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let url: string;
  try {
    url = await Promise.race([
      announced,
      ended.then((status) => {
        throw new Error(
          `${script} exited with ${status.code} before it was running:\n${
            tail.join("\n")
          }`,
        );
      }),
      new Promise<never>((_, reject) => {
        if (!Number.isFinite(timeoutMs)) return;
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `${script} did not start within ${timeoutMs} ms:\n${
                  tail.join("\n")
                }`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    signal("SIGKILL");
    await withDeadline(ended, STOP_TIMEOUT_MS, `${script} ending on SIGKILL`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const base = url.replace(/\/$/, "");
  return {
    child,
    pid: child.pid,
    url,
    base,
    port: Number(new URL(url).port),
    ended,
    async stop(name: Deno.Signal = "SIGTERM", timeoutMs = STOP_TIMEOUT_MS) {
      signal(name);
      try {
        return await withDeadline(
          ended,
          timeoutMs,
          `${script} stopping on ${name}`,
        );
      } catch (error) {
        signal("SIGKILL");
        await withDeadline(
          ended,
          STOP_TIMEOUT_MS,
          `${script} ending on SIGKILL`,
        );
        throw error;
      }
    },
    output: () => [...output],
  };
}

/**
 * Starts Hearth (`main.ts --port 0 --host 127.0.0.1 --db <db> ...args`) and
 * waits for its "Hearth is running" line. Registration is open
 * (`HEARTH_REGISTRATION=open`) unless `env` or a `--registration` flag says
 * otherwise, so tests and benchmarks can sign up as many accounts as they need.
 */
export function spawnHearth(
  options: SpawnOptions & { db: string },
): Promise<Spawned> {
  const { db, args = [], env, ...rest } = options;
  return spawnScript("main.ts", HEARTH_READY, {
    ...rest,
    // Load tests and benchmarks are a few users sending far past any person's
    // pace; a caller that wants the per-user limits passes HEARTH_USER_LIMITS=on.
    env: { HEARTH_REGISTRATION: "open", HEARTH_USER_LIMITS: "off", ...env },
    // Every load generator and test client is 127.0.0.1: no per-address cap.
    args: [
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--db",
      db,
      "--max-conns-per-address",
      "0",
      ...args,
    ],
  });
}

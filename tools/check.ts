/**
 * `deno task test`: the single entry point for every check. It installs what the
 * tests need (Chromium and openssl from Debian when missing), then runs fmt, lint, type
 * checks, the build, and every unit, HTTP and browser test.
 *
 * The whole run has a time limit (`HEARTH_CHECK_TIMEOUT_S`, default 1200 s) and
 * so has each step (`HEARTH_STEP_TIMEOUT_S`, default: what is left of the
 * run's): a step past its limit is killed and the run fails naming it, so a
 * hung test cannot hold the machine.
 */
const deno = Deno.execPath();
const root = new URL("../", import.meta.url).pathname;
const chromium = Deno.env.get("HEARTH_CHROMIUM") ?? "/usr/bin/chromium";

function seconds(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!(value > 0)) {
    console.error(`${name} must be a positive number of seconds, not "${raw}"`);
    Deno.exit(2);
  }
  return value;
}

const runLimitS = seconds("HEARTH_CHECK_TIMEOUT_S", 20 * 60);
const stepLimitS = seconds("HEARTH_STEP_TIMEOUT_S", runLimitS);
const runDeadline = performance.now() + runLimitS * 1000;

async function run(
  label: string,
  cmd: string,
  args: string[],
): Promise<boolean> {
  console.log(`\n=== ${label}`);
  const started = performance.now();
  const limitMs = Math.min(stepLimitS * 1000, runDeadline - started);
  if (limitMs <= 0) {
    console.log(`=== ${label}: SKIPPED (the run's time limit has passed)`);
    return false;
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      cwd: root,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
      // Colour codes only help a terminal; in a CI log they are noise.
      env: {
        NO_COLOR: Deno.env.get("NO_COLOR") ??
          (Deno.stdout.isTerminal() ? "" : "1"),
      },
    }).spawn();
  } catch (error) {
    console.error(`${cmd}: ${(error as Error).message}`);
    console.log(`=== ${label}: FAILED`);
    return false;
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    console.error(
      `\n=== ${label}: TIMED OUT after ${
        (limitMs / 1000).toFixed(0)
      } s; stopping it`,
    );
    child.kill("SIGTERM");
    // A step that ignores SIGTERM is killed outright shortly after.
    setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }, 5_000);
  }, Math.max(0, limitMs));
  const { success } = await child.status;
  clearTimeout(timer);
  const took = ((performance.now() - started) / 1000).toFixed(1);
  const verdict = timedOut ? "TIMED OUT" : success ? "ok" : "FAILED";
  console.log(`=== ${label}: ${verdict} (${took} s)`);
  return success && !timedOut;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function onPath(command: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(command, {
      args: ["version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

// Chromium for the browser tests; openssl for the KV Connect test server's
// TLS certificates (tests/helpers/kv_connect_tls.ts).
async function ensurePackages(): Promise<boolean> {
  const missing: string[] = [];
  if (!await exists(chromium)) missing.push("chromium");
  if (!await onPath("openssl")) missing.push("openssl");
  if (missing.length === 0) return true;
  console.log(
    `Missing: ${missing.join(", ")}; installing from Debian's packages.`,
  );
  const asRoot = Deno.uid() === 0;
  const prefix = asRoot ? [] : ["sudo", "-n"];
  const apt = async (...args: string[]) => {
    const [cmd, ...rest] = [...prefix, "apt-get", ...args];
    return await run(`apt-get ${args[0]}`, cmd, rest);
  };
  if (
    !await apt("update", "-qq") ||
    !await apt("install", "-y", "-qq", ...missing)
  ) {
    console.error(
      `Installing ${
        missing.join(", ")
      } failed. The tests need them: this is a failure, not a skip.`,
    );
    return false;
  }
  return await exists(chromium) && await onPath("openssl");
}

const only = Deno.args.filter((a) => !a.startsWith("-"));
const steps: Array<() => Promise<boolean>> = [
  ensurePackages,
  () => run("build", deno, ["run", "-A", "tools/build.ts"]),
  () => run("deno fmt --check", deno, ["fmt", "--check"]),
  () => run("deno lint", deno, ["lint"]),
  // Quiet leaves out one "Check <file>" line per module; errors still print.
  () => run("deno check", deno, ["check", "--quiet", "."]),
  () =>
    run("deno test", deno, [
      "test",
      "-A",
      "--parallel",
      ...(only.length ? only : []),
    ]),
];

// Set-up must succeed; after it every check runs, so one run reports them all.
const [setup, checks] = [steps.slice(0, 2), steps.slice(2)];
let failed = false;
for (const step of setup) {
  if (!await step()) {
    failed = true;
    break;
  }
}
if (!failed) {
  for (const step of checks) {
    if (!await step()) failed = true;
  }
}
console.log(failed ? "\nSome checks FAILED." : "\nAll checks passed.");
Deno.exit(failed ? 1 : 0);

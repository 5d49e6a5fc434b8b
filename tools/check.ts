/**
 * `deno task test`: the single entry point for every check. It installs what the
 * tests need (Chromium from Debian when missing), then runs fmt, lint, type
 * checks, the build, and every unit, HTTP and browser test.
 */
const deno = Deno.execPath();
const root = new URL("../", import.meta.url).pathname;
const chromium = Deno.env.get("HEARTH_CHROMIUM") ?? "/usr/bin/chromium";

async function run(
  label: string,
  cmd: string,
  args: string[],
): Promise<boolean> {
  console.log(`\n=== ${label}`);
  const started = performance.now();
  const { success } = await new Deno.Command(cmd, {
    args,
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
    env: { NO_COLOR: Deno.env.get("NO_COLOR") ?? "" },
  }).output().catch((error) => {
    console.error(`${cmd}: ${error.message}`);
    return { success: false };
  });
  console.log(
    `=== ${label}: ${success ? "ok" : "FAILED"} (${
      ((performance.now() - started) / 1000).toFixed(1)
    } s)`,
  );
  return success;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function ensureChromium(): Promise<boolean> {
  if (await exists(chromium)) return true;
  console.log(
    `Chromium is missing at ${chromium}; installing it from Debian's packages.`,
  );
  const asRoot = Deno.uid() === 0;
  const prefix = asRoot ? [] : ["sudo", "-n"];
  const apt = async (...args: string[]) => {
    const [cmd, ...rest] = [...prefix, "apt-get", ...args];
    return await run(`apt-get ${args[0]}`, cmd, rest);
  };
  if (
    !await apt("update", "-qq") ||
    !await apt("install", "-y", "-qq", "chromium")
  ) {
    console.error(
      "Installing Chromium failed. Browser tests need it: this is a failure, not a skip.",
    );
    return false;
  }
  return await exists(chromium);
}

const only = Deno.args.filter((a) => !a.startsWith("-"));
const steps: Array<() => Promise<boolean>> = [
  ensureChromium,
  () => run("build", deno, ["run", "-A", "tools/build.ts"]),
  () => run("deno fmt --check", deno, ["fmt", "--check"]),
  () => run("deno lint", deno, ["lint"]),
  () => run("deno check", deno, ["check", "."]),
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

/** The command line, run as a real program: flags, start-up, health, and a clean stop. */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { bufferOutputOf, showLogOnFailure } from "./helpers/server_log.ts";
import { createChannel, FrameSocket, signUp } from "./helpers/api.ts";
import { waitFor, withDeadline } from "./helpers/deadline.ts";
import { spawnHearth } from "./helpers/process.ts";

const ROOT = new URL("../", import.meta.url);

/** Environment for every child: no colours, quick bcrypt for sign-ups. */
const CHILD_ENV = { NO_COLOR: "1", HEARTH_BCRYPT_COST: "4" };

/** Runs `main.ts` with `args` to completion and returns its exit code and output. */
async function runMain(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    env: CHILD_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/** A Hearth process serving on a free port, with everything it printed. */
interface Running {
  child: Deno.ChildProcess;
  /** The URL it printed, e.g. http://127.0.0.1:39123/. */
  url: string;
  /** When it was spawned, from `performance.now()`. */
  spawnedAt: number;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Settles with the exit status once the process has ended and its pipes drained. */
  ended: Promise<Deno.CommandStatus>;
}

/** Spawns `main.ts` on 127.0.0.1 with port 0 and waits until it prints its URL. */
async function startMain(db: string, timeoutMs = 30_000): Promise<Running> {
  const spawnedAt = performance.now();
  let printed = "";
  const buffer = bufferOutputOf("main.ts");
  const hearth = await spawnHearth({
    db,
    env: CHILD_ENV,
    timeoutMs,
    onLine: (line) => {
      printed += line + "\n";
      buffer(line);
    },
  });
  return {
    child: hearth.child,
    url: hearth.url,
    spawnedAt,
    output: () => printed,
    ended: hearth.ended,
  };
}

/** Kills a child that may have exited already. */
function stop(child: Deno.ChildProcess, signal: Deno.Signal = "SIGKILL"): void {
  try {
    child.kill(signal);
  } catch {
    // Already gone.
  }
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
async function withTempDir(body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "hearth_main_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("main.ts --help prints the usage and exits 0", async () => {
  const { code, stdout, stderr } = await runMain(["--help"]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Hearth: /);
  assert.match(stdout, /Usage: hearth \[flags\]/);
  for (const flag of ["--port", "--host", "--db", "--origin", "--secret"]) {
    assert.ok(stdout.includes(flag), flag);
  }
  assert.equal(stderr, "");
});

Deno.test("main.ts --version prints the version from deno.json", async () => {
  const { code, stdout } = await runMain(["--version"]);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), `hearth ${denoJson.version}`);
});

Deno.test("main.ts exits 2 on an unknown flag and names it on stderr", async () => {
  const { code, stdout, stderr } = await runMain(["--bogus"]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /^hearth: .*'--bogus'/);
  assert.match(stderr, /Run with --help to see the flags\./);
});

Deno.test("main.ts exits 2 on --port nope with the reason on stderr", async () => {
  const { code, stdout, stderr } = await runMain(["--port", "nope"]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(
    stderr,
    'hearth: --port must be a whole number, got "nope"\n' +
      "Run with --help to see the flags.\n",
  );
});

Deno.test("main.ts exits 1 with a one-line reason when the port is taken", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await withTempDir(async (dir) => {
    const { code, stderr } = await runMain([
      "--port",
      String(taken.addr.port),
      "--host",
      "127.0.0.1",
      "--db",
      `${dir}/hearth.db`,
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /^hearth: could not start: .*in use/i);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });
});

Deno.test("main.ts exits 1 with a one-line reason when the db cannot be opened", async () => {
  await withTempDir(async (dir) => {
    const { code, stderr } = await runMain([
      "--port",
      "0",
      "--db",
      `${dir}/missing/folder/hearth.db`,
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /^hearth: could not start: .*hearth\.db/);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });
});

Deno.test("main.ts serves /healthz, stops on SIGTERM and leaves the KV file reusable", () =>
  showLogOnFailure("main.ts", async () => {
    await withTempDir(async (dir) => {
      const db = `${dir}/hearth.db`;
      const hearth = await startMain(db);
      try {
        assert.match(hearth.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
        // Poll until the first 200: that is the cold start a user waits through.
        const res = await waitFor(async () => {
          try {
            const res = await fetch(new URL("healthz", hearth.url));
            if (res.status === 200) return res;
            await res.body?.cancel();
          } catch {
            // Not accepting yet.
          }
          return null;
        }, { what: "A 200 from /healthz", timeoutMs: 10_000 });
        const coldStartMs = performance.now() - hearth.spawnedAt;
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { ok: true });
        console.log(
          `cold start: ${Math.round(coldStartMs)} ms from spawn to first 200`,
        );
        assert.ok(coldStartMs < 10_000, `cold start took ${coldStartMs} ms`);

        const stopping = performance.now();
        hearth.child.kill("SIGTERM");
        const status = await withDeadline(
          hearth.ended,
          5_000,
          "Stopping on SIGTERM",
        );
        assert.equal(status.code, 0, hearth.output());
        assert.equal(status.success, true);
        console.log(`stop: ${Math.round(performance.now() - stopping)} ms`);
        assert.match(hearth.output(), /"msg":"stopped"/);
      } finally {
        stop(hearth.child);
        await withDeadline(hearth.ended, 15_000, "main.ts ending on SIGKILL");
      }
      // The lock on the KV file is gone: it opens again, with what was written.
      const kv = await Deno.openKv(db);
      try {
        await kv.set(["reopened"], true);
        assert.equal((await kv.get(["reopened"])).value, true);
      } finally {
        kv.close();
      }
    });
  }));

Deno.test({
  name: "main.ts closes an open WebSocket with 1001 and exits 0 on SIGTERM",
  async fn() {
    await showLogOnFailure("main.ts", () =>
      withTempDir(async (dir) => {
        const hearth = await startMain(`${dir}/hearth.db`);
        try {
          const base = hearth.url;
          const ada = await signUp(base);
          const room = await createChannel(ada.api);
          const socket = await FrameSocket.open(base, room.id, ada.token);
          await socket.next("ready");

          const stopping = performance.now();
          hearth.child.kill("SIGTERM");
          const closed = await withDeadline(
            socket.closed,
            5_000,
            "Closing the socket",
          );
          assert.equal(closed.code, 1001);
          const status = await withDeadline(
            hearth.ended,
            5_000,
            "Stopping on SIGTERM",
          );
          assert.equal(status.code, 0, hearth.output());
          console.log(
            `stop with a socket open: ${
              Math.round(performance.now() - stopping)
            } ms`,
          );
        } finally {
          stop(hearth.child);
          await withDeadline(hearth.ended, 15_000, "main.ts ending on SIGKILL");
        }
      }));
  },
});

/**
 * Descriptors running out for a reason other than connections (here: files
 * the server process holds open) stall the runtime's accept loop for good;
 * the accept watchdog must bring the server back within seconds of the
 * descriptors coming back, and say so once in the log.
 */
import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../helpers/deadline.ts";
import { lines } from "../helpers/process.ts";

const HOG = new URL("../helpers/descriptor_hog.ts", import.meta.url).pathname;

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      signal: AbortSignal.timeout(1000),
    });
    return (await res.text()) === "ok";
  } catch {
    return false;
  }
}

Deno.test("after the process ran out of descriptors (files, not connections) the server answers again within seconds", async () => {
  const child = new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -n 128 && exec "$0" run -A "$1"`,
      Deno.execPath(),
      HOG,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const output = lines(child.stdout);
  const stdin = child.stdin.getWriter();
  const seen: string[] = [];
  const next = async (pattern: RegExp, what: string) =>
    await withDeadline(
      (async () => {
        // next() rather than for-await, which would end the generator on return.
        for (let r = await output.next(); !r.done; r = await output.next()) {
          seen.push(r.value);
          const match = r.value.match(pattern);
          if (match) return match;
        }
        throw new Error(`the server ended before ${what}`);
      })(),
      30_000,
      what,
    );
  try {
    const port = Number((await next(/^port (\d+)/, "listening"))[1]);
    await next(/^held \d+/, "its descriptors running out");
    // This accept fails with EMFILE; the runtime's listener stops there.
    assert.equal(await answers(port), false);
    await stdin.write(new TextEncoder().encode("release\n"));
    await next(/^released/, "the files being closed");
    const released = performance.now();
    const rest = (async () => {
      for await (const line of output) seen.push(line);
    })();
    await waitFor(() => answers(port), {
      timeoutMs: 10_000,
      what: "the server answering again",
    });
    const seconds = (performance.now() - released) / 1000;
    assert.ok(seconds < 10, `answered after ${seconds} s`);
    // Said once per outage, however many rounds it took.
    const logged = () => seen.filter((l) => l.includes("listening again"));
    await waitFor(() => logged().length > 0, {
      what: "the watchdog's log line",
    });
    assert.equal(logged().length, 1);
    assert.equal(JSON.parse(logged()[0]).level, "warn");
    child.kill("SIGKILL");
    await rest;
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await child.status;
    await stdin.close().catch(() => {});
  }
});

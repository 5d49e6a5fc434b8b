import assert from "node:assert/strict";
import { atTime } from "./deadlines.ts";
import { waitFor, withDeadline } from "../../tests/helpers/deadline.ts";

Deno.test("deadlines run in order of their seconds, once, and a cancelled one never", async () => {
  const ran: string[] = [];
  const start = Math.ceil(Date.now() / 1000) * 1000;
  atTime(start + 1000, () => ran.push("second"));
  const cancel = atTime(start + 1000, () => ran.push("cancelled"));
  atTime(start, () => ran.push("first"));
  const late = atTime(start + 60_000, () => ran.push("much later"));
  cancel();
  await waitFor(() => ran.length === 2, {
    what: "both deadlines to run",
    timeoutMs: 5000,
  });
  assert.deepEqual(ran, ["first", "second"]);
  assert.ok(Date.now() >= start + 1000, "not before its time");
  late();
});

Deno.test("with every deadline cancelled, no timer keeps the process up", async () => {
  const module = new URL("./deadlines.ts", import.meta.url).href;
  const script = `import { atTime } from "${module}";
    atTime(Date.now() + 3_600_000, () => {})();`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    const status = await withDeadline(child.status, 5000, "the process exit");
    assert.equal(status.code, 0);
  } catch (error) {
    child.kill();
    await child.status;
    throw error;
  }
});

Deno.test("a deadline already past runs soon, never within the call", async () => {
  let ran = false;
  const done = new Promise<void>((resolve) =>
    atTime(Date.now() - 5000, () => {
      ran = true;
      resolve();
    })
  );
  assert.equal(ran, false);
  await withDeadline(done, 2000, "a past deadline");
});

Deno.test("a deadline added by a running one is kept, and a throwing one stops no other", async () => {
  const ran: string[] = [];
  const now = Date.now();
  const errors: unknown[] = [];
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    errors.push(e.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    atTime(now, () => {
      throw new Error("boom");
    });
    atTime(now, () => {
      ran.push("first");
      atTime(Date.now() + 1000, () => ran.push("added"));
    });
    await waitFor(() => ran.length === 2, {
      what: "the added deadline",
      timeoutMs: 5000,
    });
    assert.deepEqual(ran, ["first", "added"]);
    assert.equal(errors.length, 1);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

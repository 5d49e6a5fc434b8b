import assert from "node:assert/strict";
import { every } from "./_shared_timers.ts";
import { withDeadline } from "../../tests/helpers/deadline.ts";

Deno.test("every() calls each callback once per period, the first time a period after it was registered", async () => {
  const started = performance.now();
  const calls: [string, number][] = [];
  const stopA = every(40, () => calls.push(["a", performance.now() - started]));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const stopB = every(40, () => calls.push(["b", performance.now() - started]));
  await withDeadline(
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (calls.filter(([n]) => n === "b").length < 2) return;
        clearInterval(poll);
        resolve();
      }, 5);
    }),
    2000,
    "two calls of b",
  );
  stopA();
  stopB();
  const a = calls.filter(([n]) => n === "a").map(([, t]) => t);
  const b = calls.filter(([n]) => n === "b").map(([, t]) => t);
  // Never early; a lags by at most its slack plus the event loop's delays.
  assert.ok(a[0] >= 40 && a[1] >= 80, `a at ${a}`);
  assert.ok(b[0] >= 60 && b[1] >= 100, `b at ${b}`);
  // In order: a first, then b, then a again.
  assert.deepEqual(calls.slice(0, 3).map(([n]) => n), ["a", "b", "a"]);
});

Deno.test("every() stops calling a stopped callback and leaves no timer once none is left", async () => {
  let calls = 0;
  const stop = every(10, () => calls++);
  await new Promise((resolve) => setTimeout(resolve, 35));
  stop();
  const seen = calls;
  assert.ok(seen >= 2, `called ${seen} times`);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(calls, seen);
  // The test's sanitizer fails it if a timer is still pending here.
});

Deno.test("every() keeps calling the others when one callback stops itself", async () => {
  let kept = 0;
  const stopSelf: { stop?: () => void } = {};
  stopSelf.stop = every(10, () => stopSelf.stop!());
  const stop = every(10, () => kept++);
  await new Promise((resolve) => setTimeout(resolve, 45));
  stop();
  assert.ok(kept >= 3, `called ${kept} times`);
});

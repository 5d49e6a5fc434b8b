import assert from "node:assert/strict";
import { WATCHDOG_TIMING } from "../http/accept_watchdog.ts";
import { ALONE, runsProcessJobs, shareOf, watchdogFor } from "./place.ts";

Deno.test("a share of a process-wide budget is at least 1 and rounds up", () => {
  assert.equal(shareOf(2, ALONE), 2);
  assert.equal(shareOf(2, { index: 1, count: 2 }), 1);
  assert.equal(shareOf(2, { index: 0, count: 3 }), 1);
  assert.equal(shareOf(32, { index: 2, count: 3 }), 11);
});

Deno.test("worker 0 alone runs the process-wide jobs", () => {
  assert.equal(runsProcessJobs(ALONE), true);
  assert.equal(runsProcessJobs({ index: 0, count: 2 }), true);
  assert.equal(runsProcessJobs({ index: 1, count: 2 }), false);
});

Deno.test("the accept watchdog keeps its rhythm alone and waits for 10 x N misses among N workers", () => {
  assert.equal(watchdogFor(ALONE), undefined);
  assert.deepEqual(watchdogFor({ index: 1, count: 2 }), {
    ...WATCHDOG_TIMING,
    misses: 20,
  });
});

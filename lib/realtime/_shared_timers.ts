/**
 * Repeating checks shared by every socket: one timer per period instead of
 * one per socket and check.
 *
 * Each socket pings a quiet peer and watches its send buffer on a fixed
 * period. With a timer each, 10,000 sockets are 20,000 timers to create (a
 * storm of connects paid about 2% of its CPU for them) and to fire one by one.
 * Here the callbacks of one period wait in one queue in the order they are
 * due: a callback registered later is due later, and a callback that ran is
 * due again one period on, behind all the others, so the queue stays in order
 * without sorting. One timer waits for the head of each queue; callbacks due
 * within {@linkcode SLACK_SHARE} of a period of each other run together.
 */

/** Callbacks due this close together (as a share of the period) run in one wake-up. */
const SLACK_SHARE = 1 / 32;

interface Periodic {
  periodMs: number;
  /** Callbacks by when they are next due (ms, performance.now), oldest first. */
  due: Map<() => void, number>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const periods = new Map<number, Periodic>();

/**
 * Calls `fn` every `periodMs` (the first time one period from now) until the
 * returned function is called. A callback may run up to 1/32 of a period late.
 */
export function every(periodMs: number, fn: () => void): () => void {
  let periodic = periods.get(periodMs);
  if (periodic === undefined) {
    periodic = { periodMs, due: new Map(), timer: undefined };
    periods.set(periodMs, periodic);
  }
  const group = periodic;
  // A function registered twice is two callbacks.
  const callback = () => fn();
  group.due.set(callback, performance.now() + periodMs);
  if (group.timer === undefined) arm(group);
  return () => {
    group.due.delete(callback);
    if (group.due.size === 0) {
      clearTimeout(group.timer);
      group.timer = undefined;
      periods.delete(group.periodMs);
    }
  };
}

// Waits for the head of the queue, plus the slack that lets a crowd of
// callbacks registered moments apart share the wake-up.
function arm(group: Periodic): void {
  const head = group.due.values().next();
  if (head.done) return;
  const slack = group.periodMs * SLACK_SHARE;
  const wait = Math.max(0, head.value - performance.now() + slack);
  group.timer = setTimeout(() => run(group), wait);
}

function run(group: Periodic): void {
  group.timer = undefined;
  const now = performance.now();
  for (const [callback, dueAt] of group.due) {
    if (dueAt > now) break;
    // Behind every other: due one period on.
    group.due.delete(callback);
    group.due.set(callback, dueAt + group.periodMs);
    try {
      callback();
    } catch (error) {
      // One socket's failure must not stop the others' checks.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  if (group.due.size > 0 && group.timer === undefined) arm(group);
}

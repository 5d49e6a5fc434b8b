/**
 * One-off deadlines on the wall clock shared by every socket: one timer for
 * all of them instead of one each. A socket lives no longer than its token,
 * so each socket waited for its token's expiry with a timer of its own; a
 * storm of 10,000 connects made 10,000 of them (about 2% of its CPU).
 * Deadlines are kept by whole second (a token's expiry is one), and the timer
 * waits for the earliest second that has any.
 */

// setTimeout takes at most 2^31 - 1 ms; a later second is waited for in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

// Callbacks by the second (since the epoch) they are due in.
const bySecond = new Map<number, Set<() => void>>();
let armedFor: number | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Calls `fn` once the wall clock reaches `epochMs` (at the start of the
 * following second at the latest), unless the returned function is called
 * first. A time already past is due at once, but `fn` still runs later, never
 * from within this call.
 */
export function atTime(epochMs: number, fn: () => void): () => void {
  const second = Math.ceil(epochMs / 1000);
  let due = bySecond.get(second);
  if (due === undefined) bySecond.set(second, due = new Set());
  const bucket = due;
  // A function given twice is two deadlines.
  const callback = () => fn();
  bucket.add(callback);
  if (armedFor === undefined || second < armedFor) arm(second);
  return () => {
    bucket.delete(callback);
    if (bucket.size === 0 && bySecond.get(second) === bucket) {
      bySecond.delete(second);
    }
    // Nothing left to wait for: no timer keeps the process up.
    if (bySecond.size === 0) {
      clearTimeout(timer);
      timer = armedFor = undefined;
    }
  };
}

function arm(second: number): void {
  clearTimeout(timer);
  armedFor = second;
  const wait = Math.max(0, second * 1000 - Date.now());
  timer = setTimeout(run, Math.min(wait, MAX_TIMER_MS));
}

function run(): void {
  timer = undefined;
  armedFor = undefined;
  const now = Date.now();
  for (const [second, due] of bySecond) {
    if (second * 1000 > now) continue;
    bySecond.delete(second);
    for (const callback of due) {
      try {
        callback();
      } catch (error) {
        // One socket's failure must not stop the others' deadlines.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
  // Callbacks may have added deadlines (and armed for them).
  let next: number | undefined;
  for (const second of bySecond.keys()) {
    if (next === undefined || second < next) next = second;
  }
  if (next !== undefined && (armedFor === undefined || next < armedFor)) {
    arm(next);
  }
}

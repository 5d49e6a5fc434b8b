/**
 * Deadlines for everything a test waits on. A wait without one turns a
 * regression into a run that hangs until something outside kills it; with
 * one, the test fails in seconds and says what it was waiting for.
 */

/** How long a test waits for something that should happen promptly. */
export const DEFAULT_DEADLINE_MS = 10_000;

/** Thrown when a wait passes its deadline; the message names what was awaited. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/** Settles like `promise`, or rejects with a {@linkcode DeadlineError} naming `what` after `ms`. */
export function withDeadline<T>(
  promise: PromiseLike<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeadlineError(`${what}: not within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Options for {@linkcode waitFor}. */
export interface WaitOptions {
  /** What is awaited, for the failure message, e.g. `"the socket closed log line"`. */
  what: string;
  /** Give up after this many ms. Default {@linkcode DEFAULT_DEADLINE_MS}. */
  timeoutMs?: number;
  /** Time between two checks, in ms. Default 10. */
  intervalMs?: number;
}

/**
 * Checks `condition` until it returns something truthy, and returns that.
 * Rejects with a {@linkcode DeadlineError} naming `what` once `timeoutMs` passes.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  opts: WaitOptions,
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DEADLINE_MS;
  const deadline = performance.now() + timeoutMs;
  while (true) {
    const value = await condition();
    if (value) return value;
    if (performance.now() >= deadline) {
      throw new DeadlineError(`${opts.what}: not within ${timeoutMs} ms`);
    }
    await sleep(opts.intervalMs ?? 10);
  }
}

/**
 * Resolves after `ms`. Only for what a test must prove does NOT happen within
 * a window, or for pacing; waiting for something to happen is `waitFor`.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

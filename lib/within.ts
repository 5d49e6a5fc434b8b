/**
 * Waiting for something with a time limit: a database that may not answer,
 * a goodbye that may not get out, a lock that may be released unseen.
 */

/** What {@linkcode within} gives when the time ran out first. */
export const LATE: unique symbol = Symbol("late");

/**
 * Waits for `work` at most `ms`: its value, or {@linkcode LATE}. The timer is
 * cleared either way; `work` itself goes on (nothing here can cancel it).
 */
export async function within<T>(
  work: Promise<T>,
  ms: number,
): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

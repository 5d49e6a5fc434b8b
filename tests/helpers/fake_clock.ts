/**
 * A clock a test moves by hand, for code that takes `now()` and timer
 * functions in its options: timers fire only when the test advances past
 * them, so a grace period or a time-to-live is tested without waiting for it.
 */

interface Timer {
  at: number;
  fn: () => void;
}

/** A manual clock: `now()`, `setTimer()` and `clearTimer()` that only `advance()` moves. */
export class FakeClock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  /** Starts at `start` ms. */
  constructor(start = 1_000) {
    this.#now = start;
  }

  /** The current time in ms. */
  now = (): number => this.#now;

  /** Schedules `fn` to run once the clock reaches `now() + ms`; returns its id. */
  setTimer = (fn: () => void, ms: number): number => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  };

  /** Cancels a timer; unknown ids are ignored, like `clearTimeout`. */
  clearTimer = (id: unknown): void => {
    this.#timers.delete(id as number);
  };

  /** Timers scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves the clock forward by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    while (true) {
      let due: [number, Timer] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) {
          due = entry;
        }
      }
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = until;
  }
}

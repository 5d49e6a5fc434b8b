/**
 * Turns for socket handshakes. `node:http` hands an upgrade over as soon as
 * its head is parsed, so in a storm of connects (a restart, a big channel
 * coming back online) every handshake used to be checked at once: thousands
 * waited on the database together, each holding its Request, its session
 * checks and a half-made socket, which the collector copied and promoted while
 * they waited. A storm of 10,000 left the server at about 700 MB, most of it
 * garbage of the storm; with a few hundred checked at a time, about 450 MB.
 *
 * A turn is taken once a whole request head has arrived and given back when
 * the route has answered, which takes no input from the client, so a client
 * that sends its head slowly holds no turn and cannot stall the others.
 */

/**
 * How many handshakes are checked at once by default. Enough to keep one core
 * busy on a remote database too: through KV Connect or on Deno Deploy a check
 * waits milliseconds, not microseconds, for its read, and 256 checks under way
 * at 100 ms each still admit 2,560 connects a second, more than one core
 * checks (about 1,100). Turns of 64 left a storm's RSS at 405 to 425 MB, 256 at
 * 420 to 450 MB, 512 at 540 to 555 MB, none at about 700 MB.
 */
export const UPGRADES_AT_ONCE = 256;

// What a started job's place in the queue holds.
const started = () => {};

/** At most `limit` jobs running; the rest wait in arrival order. */
export class Turns {
  #limit: number;
  #running = 0;
  // Waiting jobs from #head on: `shift()` moves every element, which a storm's
  // queue of thousands would pay on each turn.
  #waiting: ((done: () => void) => void)[] = [];
  #head = 0;
  #draining = false;

  /** Turns for at most `limit` jobs at once (at least one). */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /**
   * Runs `job` now if a turn is free, else once one is; `job` gets the
   * function that ends its turn (calling it again does nothing).
   */
  take(job: (done: () => void) => void): void {
    this.#waiting.push(job);
    this.#drain();
  }

  // A loop, not a call per ended turn: jobs that end at once (a socket that
  // closed while it waited) would otherwise nest one call per waiting job.
  #next(): (done: () => void) => void {
    const job = this.#waiting[this.#head];
    // The started job's closure holds its connection: not for the queue to keep.
    this.#waiting[this.#head++] = started;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    return job;
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#running < this.#limit && this.waiting > 0) {
        const job = this.#next();
        this.#running++;
        let ended = false;
        const done = () => {
          if (ended) return;
          ended = true;
          this.#running--;
          this.#drain();
        };
        try {
          job(done);
        } catch (error) {
          done();
          throw error;
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}

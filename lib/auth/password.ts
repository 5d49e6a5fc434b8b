/** bcrypt password hashing on a small pool of Web Workers. */
import bcrypt from "bcryptjs";
import type {
  PasswordJob,
  PasswordResult,
  PasswordTask,
} from "./password_worker.ts";
import { MAX_PASSWORD_BYTES } from "../shared/limits.ts";
import { utf8ByteLength } from "../shared/text.ts";

/** bcrypt cost used when none is given: about 250 ms per hash on one core. */
export const DEFAULT_COST = 12;
// A cost-12 hash of 32 random bytes that were thrown away, so no password
// matches it; comparing against it costs what a real comparison costs.
const DUMMY_HASH_COST_12 =
  "$2b$12$HfuMiKP1HdIAhLKjiDMdke6.AJIm6SaVJ3uGwfMFm0KowgfuF16Na";

/** Jobs allowed to wait for a worker when none is given. */
export const DEFAULT_MAX_QUEUED = 32;

/**
 * Thrown instead of queueing when `maxQueued` jobs already wait: a flood of
 * logins would otherwise make every sign-in wait behind it for many seconds.
 */
export class HasherBusyError extends Error {
  /** Creates the error for a hasher with `maxQueued` jobs waiting. */
  constructor(maxQueued: number) {
    super(`Password hasher is busy: ${maxQueued} jobs already wait`);
    this.name = "HasherBusyError";
  }
}

interface Pending {
  id: number;
  job: PasswordTask;
  resolve(value: string | boolean): void;
  reject(reason: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Pending | null;
}

/** Options for `PasswordHasher`. */
export interface PasswordHasherOptions {
  /**
   * Most workers running at once; defaults to 2. `0` runs bcrypt inline on
   * the calling thread, blocking it for the whole hash: only for comparison
   * in benchmarks, never for a server.
   */
  workers?: number;
  /** bcrypt cost (4 to 31) for new hashes; defaults to 12. */
  cost?: number;
  /**
   * Most jobs waiting for a busy worker; one more is refused at once with
   * `HasherBusyError`. Defaults to 32 (a few seconds of work at cost 12 on
   * two workers); `Infinity` queues without bound.
   */
  maxQueued?: number;
}

/** Hashes and verifies passwords with bcrypt on lazily started workers, queueing a bounded number of jobs when all are busy. */
export class PasswordHasher {
  /** The bcrypt cost of hashes this hasher makes. */
  readonly cost: number;
  readonly #size: number;
  readonly #maxQueued: number;
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  #dummy: Promise<string> | null = null;

  /** Creates a hasher; no worker starts until the first job. */
  constructor(opts: PasswordHasherOptions = {}) {
    const size = opts.workers ?? 2;
    const cost = opts.cost ?? DEFAULT_COST;
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `Worker count must be a whole number (0 for inline), got ${size}`,
      );
    }
    if (!Number.isInteger(cost) || cost < 4 || cost > 31) {
      throw new RangeError(
        `bcrypt cost must be an integer from 4 to 31, got ${cost}`,
      );
    }
    const maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (
      !(Number.isInteger(maxQueued) || maxQueued === Infinity) || maxQueued < 0
    ) {
      throw new RangeError(
        `Queue bound must be a whole number or Infinity, got ${maxQueued}`,
      );
    }
    this.#size = size;
    this.#maxQueued = maxQueued;
    this.cost = cost;
  }

  /** Hashes `password` with a fresh salt; rejects passwords over 72 UTF-8 bytes. */
  async hash(password: string): Promise<string> {
    // bcrypt would silently drop the tail; callers validate first, so this
    // only guards against a missed check.
    if (utf8ByteLength(password) > MAX_PASSWORD_BYTES) {
      throw new RangeError(
        `Password must be at most ${MAX_PASSWORD_BYTES} bytes`,
      );
    }
    const value = await this.#submit({
      op: "hash",
      password,
      cost: this.cost,
    });
    return value as string;
  }

  /** Whether `password` matches the bcrypt `hash`; rejects if `hash` is malformed. */
  async verify(password: string, hash: string): Promise<boolean> {
    if (utf8ByteLength(password) > MAX_PASSWORD_BYTES) {
      // No stored hash can come from such a password; still spend the usual
      // time so the answer's timing says nothing.
      return await this.verifyAgainstDummy(password);
    }
    return (await this.#submit({ op: "verify", password, hash })) as boolean;
  }

  /** Compares `password` with a dummy hash of this cost and resolves `false`, taking as long as `verify()`. */
  async verifyAgainstDummy(password: string): Promise<false> {
    // Used for unknown usernames so they take as long as wrong passwords.
    await this.#submit({
      op: "verify",
      password,
      hash: await this.#dummyHash(),
    });
    return false;
  }

  /** Workers started, workers busy and jobs waiting, for tests and metrics. */
  get stats(): { workers: number; busy: number; queued: number } {
    return {
      workers: this.#slots.length,
      busy: this.#slots.filter((s) => s.pending !== null).length,
      queued: this.#queue.length,
    };
  }

  /** Terminates every worker and rejects jobs still running or queued. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = () => new Error("Password hasher is closed");
    for (const slot of this.#slots) {
      slot.worker.terminate();
      slot.pending?.reject(error());
    }
    this.#slots = [];
    for (const pending of this.#queue.splice(0)) pending.reject(error());
  }

  /** Same as `close()`, so a hasher works with `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #dummyHash(): Promise<string> {
    if (this.cost === DEFAULT_COST) return Promise.resolve(DUMMY_HASH_COST_12);
    if (!this.#dummy) {
      const secret = crypto.getRandomValues(new Uint8Array(24));
      this.#dummy = this.hash(btoa(String.fromCharCode(...secret)));
      this.#dummy.catch(() => this.#dummy = null);
    }
    return this.#dummy;
  }

  #submit(job: PasswordTask): Promise<string | boolean> {
    if (this.#closed) {
      return Promise.reject(new Error("Password hasher is closed"));
    }
    if (this.#size === 0) {
      try {
        return Promise.resolve(runInline(job));
      } catch (err) {
        return Promise.reject(
          err instanceof Error ? err : new Error(String(err)),
        );
      }
    }
    // The queue only holds jobs no worker could take, so a full one means
    // every worker is busy and this job would wait behind all of them.
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(new HasherBusyError(this.#maxQueued));
    }
    const { promise, resolve, reject } = Promise.withResolvers<
      string | boolean
    >();
    this.#queue.push({ id: this.#nextId++, job, resolve, reject });
    this.#pump();
    return promise;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((s) => s.pending === null) ??
        (this.#slots.length < this.#size ? this.#spawn() : null);
      if (!slot) return;
      const pending = this.#queue.shift()!;
      slot.pending = pending;
      const job: PasswordJob = { ...pending.job, id: pending.id };
      slot.worker.postMessage(job);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(
      new URL("./password_worker.ts", import.meta.url),
      { type: "module" },
    );
    const slot: Slot = { worker, pending: null };
    worker.onmessage = (event: MessageEvent<PasswordResult>) => {
      const result = event.data;
      const pending = slot.pending;
      if (!pending || pending.id !== result.id) return;
      slot.pending = null;
      if (result.ok) pending.resolve(result.value);
      else pending.reject(new Error(result.error));
      this.#pump();
    };
    worker.onerror = (event: ErrorEvent) => {
      // Unhandled, a worker error would also be raised on this thread and
      // could end the server; drop the worker and let the pool replace it.
      event.preventDefault();
      worker.terminate();
      this.#slots = this.#slots.filter((s) => s !== slot);
      slot.pending?.reject(
        new Error(`Password worker failed: ${event.message}`),
      );
      slot.pending = null;
      if (!this.#closed) this.#pump();
    };
    this.#slots.push(slot);
    return slot;
  }
}

/** The work of `password_worker.ts`, done on this thread (`workers: 0`). */
function runInline(job: PasswordTask): string | boolean {
  if (job.op === "hash") return bcrypt.hashSync(job.password, job.cost);
  return bcrypt.compareSync(job.password, job.hash);
}

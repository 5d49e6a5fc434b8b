/**
 * A stand-in for Deno KV's queue where a store has none (KV Connect): values
 * wait in this process's memory, each for its delay, and go to the one
 * listener of the store. Unlike KV's queue nothing survives the process: a
 * restart or a crash drops what was waiting.
 */

type Handler = (value: unknown) => Promise<void>;

class MemoryQueue {
  #handler: Handler | undefined;
  #waiting: unknown[] = [];

  /** Hands `value` to the listener after `delayMs` (at once when none listens yet, once one does). */
  enqueue(value: unknown, delayMs = 0): void {
    const timer = setTimeout(() => this.#deliver(value), delayMs);
    // Waiting work never keeps a stopping process alive.
    Deno.unrefTimer(timer);
  }

  /** Makes `handler` the listener and hands it what arrived before it. */
  listen(handler: Handler): void {
    this.#handler = handler;
    for (const value of this.#waiting.splice(0)) this.#deliver(value);
  }

  #deliver(value: unknown): void {
    if (this.#handler === undefined) this.#waiting.push(value);
    // The listener handles its own failures, as KV's queue listener must.
    else this.#handler(value).catch(() => {});
  }
}

const queues = new WeakMap<Deno.Kv, MemoryQueue>();

/** The memory queue standing in for `kv`'s own. */
export function memoryQueueOf(kv: Deno.Kv): MemoryQueue {
  let queue = queues.get(kv);
  if (queue === undefined) {
    queue = new MemoryQueue();
    queues.set(kv, queue);
  }
  return queue;
}

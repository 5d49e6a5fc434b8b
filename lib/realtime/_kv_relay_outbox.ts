/**
 * The writing side of the KV relay: items queued per stream and appended in
 * batches, one append in flight per stream, so a burst (a connect storm's
 * presence, a flurry of typing) costs a few KV writes, in the order published.
 */
import { appendRelayEntry, type RelayItem } from "../db/relay_log.ts";
import { errorFields, log } from "../log.ts";

// An entry stays well under KV's 64 KiB value limit.
const MAX_ENTRY_CHARS = 48 * 1024;

/** Appends queued items to their relay streams, batched per stream. */
export class RelayOutbox {
  #kv: Deno.Kv;
  #origin: string;
  #queues = new Map<string, RelayItem[]>();
  #flushing = new Map<string, Promise<void>>();

  /** An outbox writing entries signed with `origin`. */
  constructor(kv: Deno.Kv, origin: string) {
    this.#kv = kv;
    this.#origin = origin;
  }

  /** Queues `item` for `stream`; it is written soon, after those queued before it. */
  push(stream: string, item: RelayItem): void {
    const queue = this.#queues.get(stream);
    if (queue) queue.push(item);
    else this.#queues.set(stream, [item]);
    if (!this.#flushing.has(stream)) {
      const run = this.#flush(stream).finally(() =>
        this.#flushing.delete(stream)
      );
      this.#flushing.set(stream, run);
    }
  }

  /** Resolves once everything queued so far is written (or given up). */
  async settled(): Promise<void> {
    while (this.#flushing.size > 0) {
      await Promise.all(this.#flushing.values());
    }
  }

  async #flush(stream: string): Promise<void> {
    for (;;) {
      const queue = this.#queues.get(stream);
      if (!queue || queue.length === 0) {
        this.#queues.delete(stream);
        return;
      }
      let chars = 0;
      let count = 0;
      while (count < queue.length) {
        chars += queue[count].text.length + queue[count].id.length;
        if (count > 0 && chars > MAX_ENTRY_CHARS) break;
        count++;
      }
      const items = queue.splice(0, count);
      try {
        await appendRelayEntry(this.#kv, stream, {
          origin: this.#origin,
          items,
        });
      } catch (err) {
        // Live events only: a lost typing notice or presence flip is not worth
        // stalling the stream for.
        log("error", "kv relay dropped events it could not write", {
          count: items.length,
          ...errorFields(err),
        });
      }
    }
  }
}

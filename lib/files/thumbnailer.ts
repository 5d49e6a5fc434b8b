/**
 * Runs thumbnail jobs on one Web Worker, one job at a time, each with a
 * deadline. A job that fails or runs out of time gets null, never an error:
 * an upload must succeed without its thumbnail. The worker is ended after a
 * failure or a timeout (a WebAssembly module that panicked is not to be
 * trusted again, and terminating is the only way to stop a runaway decode),
 * and after a while without work, which hands its memory back: WebAssembly
 * memory only grows while the module lives.
 */
import { log } from "../log.ts";
import type { Orientation } from "./orientation.ts";
import type { Box, RenderedThumbnail } from "./thumbnail_render.ts";
import type { ThumbnailJob, ThumbnailResult } from "./thumbnail_worker.ts";

/** Options for `Thumbnailer`. */
export interface ThumbnailerOptions {
  /** Longest a job may run before its worker is ended; 20 s by default. */
  timeoutMs?: number;
  /** Jobs that may wait; more are answered null at once. 16 by default. */
  maxQueued?: number;
  /** The worker is ended after this long without work; 30 s by default. */
  idleMs?: number;
}

interface Queued {
  job: Omit<ThumbnailJob, "id">;
  resolve(thumbnail: RenderedThumbnail | null): void;
}

/** Draws thumbnails off the main thread (see the module doc). */
export class Thumbnailer {
  readonly #timeoutMs: number;
  readonly #maxQueued: number;
  readonly #idleMs: number;
  #worker: Worker | null = null;
  #queue: Queued[] = [];
  #running = false;
  #nextId = 1;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** Creates a thumbnailer; its worker starts with the first job. */
  constructor(options: ThumbnailerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 20_000;
    this.#maxQueued = options.maxQueued ?? 16;
    this.#idleMs = options.idleMs ?? 30_000;
  }

  /**
   * The thumbnail of an encoded image, or null when it cannot be drawn in
   * time. `bytes` are handed over to the worker: their buffer is detached.
   * `square` cuts the centred square out first.
   */
  render(
    bytes: Uint8Array,
    box: Box,
    orientation: Orientation = 1,
    square = false,
  ): Promise<RenderedThumbnail | null> {
    if (this.#closed || this.#queue.length >= this.#maxQueued) {
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      this.#queue.push({ job: { bytes, box, orientation, square }, resolve });
      this.#pump();
    });
  }

  /** Ends the worker; waiting jobs get null. */
  close(): void {
    this.#closed = true;
    for (const queued of this.#queue.splice(0)) queued.resolve(null);
    this.#stopWorker();
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    clearTimeout(this.#idleTimer);
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        next.resolve(await this.#run(next.job));
      }
    } finally {
      this.#running = false;
    }
    if (!this.#closed) {
      this.#idleTimer = setTimeout(() => this.#stopWorker(), this.#idleMs);
    }
  }

  #run(job: Omit<ThumbnailJob, "id">): Promise<RenderedThumbnail | null> {
    const worker = this.#worker ??= new Worker(
      new URL("./thumbnail_worker.ts", import.meta.url),
      { type: "module" },
    );
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const finish = (thumbnail: RenderedThumbnail | null, failure = "") => {
        clearTimeout(timer);
        worker.onmessage = null;
        worker.onerror = null;
        if (thumbnail === null) {
          log("warn", "no thumbnail", { reason: failure });
          this.#stopWorker();
        }
        resolve(thumbnail);
      };
      const timer = setTimeout(
        () => finish(null, `took longer than ${this.#timeoutMs} ms`),
        this.#timeoutMs,
      );
      worker.onmessage = (event: MessageEvent<ThumbnailResult>) => {
        const result = event.data;
        if (result.id !== id) return;
        if (result.ok) finish(result.thumbnail);
        else finish(null, result.error);
      };
      worker.onerror = (event) => {
        // An error thrown outside the job's try (the module failed to load).
        event.preventDefault();
        finish(null, event.message);
      };
      try {
        // Transferred, not copied: the image may be tens of megabytes.
        worker.postMessage({ ...job, id } satisfies ThumbnailJob, [
          job.bytes.buffer,
        ]);
      } catch (error) {
        finish(null, String(error));
      }
    });
  }

  #stopWorker(): void {
    clearTimeout(this.#idleTimer);
    this.#worker?.terminate();
    this.#worker = null;
  }
}

/**
 * The SQLite search index's follower run in a Worker: the serving thread only
 * marks channels changed (see `followChanges`) and posts their ids; the
 * worker reads the change log and the new messages through its own KV handle
 * and writes the FTS5 rows through its own SQLite connection. Measured on the
 * serving thread, the follower in process cost about 9% of a post's time
 * under a stream of posts. A search still catches its channel up itself
 * first, on the serving thread, so a dead or slow worker costs searches time,
 * never results.
 */
import { log } from "../log.ts";
import { LATE, within } from "../within.ts";
import { followChanges, type SearchIndex } from "./search_backend.ts";
import type { FollowerJob, FollowerReport } from "./search_follower_worker.ts";

// How long closing waits for the worker to finish its runs and close its files.
const CLOSE_WAIT_MS = 5_000;

/**
 * Follows commits to `kv` (the database at `db`) and keeps the SQLite index
 * at `indexPath` up in a worker; returns the function that stops following,
 * waits for runs in flight and ends the worker.
 */
export function followChangesInWorker(
  kv: Deno.Kv,
  db: string,
  indexPath: string,
  delayMs?: number,
): () => Promise<void> {
  const worker = new FollowerWorker(db, indexPath);
  const stop = followChanges(kv, worker, delayMs);
  return async () => {
    await stop();
    await worker.close();
  };
}

/** The worker as the follower sees it: something that catches a channel up. */
class FollowerWorker implements Pick<SearchIndex, "catchUp"> {
  #worker: Worker;
  #waiting = new Map<number, () => void>();
  #next = 0;
  #closed: Promise<void> | undefined;
  #dead = false;

  constructor(db: string, indexPath: string) {
    this.#worker = new Worker(
      new URL("./search_follower_worker.ts", import.meta.url),
      { type: "module", name: "hearth-search-follower" },
    );
    this.#worker.onmessage = (event: MessageEvent<FollowerReport>) => {
      const report = event.data;
      if (report.op !== "done") return;
      this.#waiting.get(report.id)?.();
      this.#waiting.delete(report.id);
    };
    this.#worker.onerror = (event: ErrorEvent) => {
      // Unhandled, a worker's error would end the server; searches still
      // catch their channel up themselves, so the index stays right.
      event.preventDefault();
      log("error", "search follower worker failed", { error: event.message });
      this.#end();
    };
    this.#post({ op: "open", db, index: indexPath });
  }

  catchUp(channelId: string): Promise<void> {
    if (this.#dead) return Promise.resolve();
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#post({ op: "catch_up", id, channelId });
    });
  }

  /** Lets the worker finish its runs and close its files, then ends it. */
  close(): Promise<void> {
    return this.#closed ??= (async () => {
      if (!this.#dead) {
        const closed = new Promise<void>((resolve) => {
          this.#worker.addEventListener("message", (event) => {
            if ((event as MessageEvent<FollowerReport>).data.op === "closed") {
              resolve();
            }
          });
        });
        this.#post({ op: "close" });
        if (await within(closed, CLOSE_WAIT_MS) === LATE) {
          log("warn", "search follower worker did not close in time", {});
        }
      }
      this.#end();
    })();
  }

  #post(job: FollowerJob): void {
    this.#worker.postMessage(job);
  }

  #end(): void {
    this.#dead = true;
    this.#worker.terminate();
    for (const resolve of this.#waiting.values()) resolve();
    this.#waiting.clear();
  }
}

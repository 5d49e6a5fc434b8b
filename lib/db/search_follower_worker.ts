/**
 * Worker that keeps the SQLite search index up with committed changes, off
 * the serving thread: its own KV handle and its own SQLite connection on the
 * same files (see `search_follower.ts`). Each run reads the channel's change
 * log from where the index stands and writes in one transaction checked
 * against that cursor, so it may run beside the serving thread's own
 * catch-up (a search's) and `hearth reindex`.
 */
import { openSqliteSearchIndex } from "./search_sqlite.ts";
import type { SearchIndex } from "./search_backend.ts";

/** What the worker is told: where the files are (first), a channel to catch up, or to close. */
export type FollowerJob =
  | { op: "open"; db: string; index: string }
  | { op: "catch_up"; id: number; channelId: string }
  | { op: "close" };

/** The worker's answers: a catch-up with the same `id` done (or failed), or closed. */
export type FollowerReport = { op: "done"; id: number } | { op: "closed" };

// The project's compiler libs describe a window, not a worker scope, so the
// members used here are typed by hand.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<FollowerJob>) => void) | null;
  postMessage(message: FollowerReport): void;
  close(): void;
};

let opened: Promise<{ kv: Deno.Kv; index: SearchIndex }> | undefined;
const inFlight = new Set<Promise<void>>();

scope.onmessage = (event) => {
  const job = event.data;
  if (job.op === "open") {
    opened = Deno.openKv(job.db).then(async (kv) => ({
      kv,
      index: await openSqliteSearchIndex(kv, job.index),
    }));
  } else if (job.op === "catch_up") {
    const run = opened!
      .then(({ index }) => index.catchUp(job.channelId))
      .catch(() => {
        // Retried by the next commit or search in this channel.
      })
      .then(() => scope.postMessage({ op: "done", id: job.id }));
    inFlight.add(run);
    run.then(() => inFlight.delete(run));
  } else {
    void close();
  }
};

async function close(): Promise<void> {
  await Promise.all(inFlight);
  const open = await opened?.catch(() => undefined);
  open?.index.close();
  open?.kv.close();
  scope.postMessage({ op: "closed" });
  scope.close();
}

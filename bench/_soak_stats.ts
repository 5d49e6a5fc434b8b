import type { WorkerStats } from "./soak_worker.ts";

/** Zeroed soak counters: a worker starts from these, the report sums into them. */
export function emptyStats(): WorkerStats {
  return {
    sent: 0,
    acked: 0,
    typingSent: 0,
    delivered: 0,
    replayed: 0,
    reconnects: 0,
    joins: 0,
    uploads: 0,
    downloads: 0,
    open: 0,
    errors: {},
    examples: [],
  };
}

/**
 * Where one Hearth server runs among the serving workers of its process:
 * which one it is, how many there are, and how it reaches what they share.
 */
import type { Quotas } from "../chat/user_limits.ts";
import type { AddressAdmission } from "../http/connection_guard.ts";
import {
  WATCHDOG_TIMING,
  type WatchdogTiming,
} from "../http/accept_watchdog.ts";

/** One server's place among the process's serving workers. */
export interface WorkerPlace {
  /** 0 for the first (which runs the process-wide jobs), up to `count - 1`. */
  index: number;
  /** How many serving workers the process runs. */
  count: number;
  /** The per-user caps, kept once for the whole process (on the main thread). */
  quotas?: Quotas;
  /** The per-address connection cap, counted once for the whole process. */
  addresses?: AddressAdmission;
  /** Per-channel commit turns shared by the workers' KV handles (lib/db/commit_turns.ts). */
  commitTurns?: SharedArrayBuffer;
}

/** A server alone in its process: today's single-threaded Hearth. */
export const ALONE: WorkerPlace = { index: 0, count: 1 };

/** Whether `place` runs the jobs one process needs once (the upload sweeper). */
export function runsProcessJobs(place: WorkerPlace): boolean {
  return place.index === 0;
}

/** Worker `place`'s part of a process-wide `total` (at least 1): threads, queue slots. */
export function shareOf(total: number, place: WorkerPlace): number {
  return Math.max(1, Math.ceil(total / place.count));
}

/**
 * The accept watchdog's rhythm for `place`. Its probe reaches whichever
 * worker the kernel picks, so with N workers a healthy one misses many probes
 * in a row by chance; it waits for 10 x N misses (a chance of about 1 in a
 * million with 2 workers) before listening again.
 */
export function watchdogFor(place: WorkerPlace): WatchdogTiming | undefined {
  if (place.count === 1) return undefined;
  return { ...WATCHDOG_TIMING, misses: 10 * place.count };
}

/**
 * `--workers N` (`HEARTH_WORKERS`): how many serving workers share the port.
 * 1 (the default) serves on the main thread exactly as before; `auto` takes
 * one per CPU. Deno Deploy runs isolates of its own, so there it stays 1.
 */

/** The most serving workers a process may start: far above any core count, below descriptor trouble. */
export const MAX_WORKERS = 64;

/** The `--help` line of the flag. */
export const WORKERS_HELP =
  `  --workers N          serving workers sharing the port, each with its own
                       KV handle, relayed through KV; N or auto (one per CPU)
                       (HEARTH_WORKERS, default 1; always 1 on Deno Deploy)
`;

/** Reads `--workers` (or `HEARTH_WORKERS`): a count, or an error message. */
export function readWorkers(
  raw: string | undefined,
  db: string,
  env: (name: string) => string | undefined,
  cpus: () => number = () => navigator.hardwareConcurrency,
): number | string {
  if (env("DENO_DEPLOYMENT_ID") !== undefined) return 1;
  const text = (raw ?? "1").trim().toLowerCase();
  let count: number;
  if (text === "auto") {
    count = Math.min(MAX_WORKERS, Math.max(1, cpus()));
  } else if (/^\d+$/.test(text)) {
    count = Number(text);
    if (count < 1 || count > MAX_WORKERS) {
      return `--workers must be between 1 and ${MAX_WORKERS} or auto, got ${count}`;
    }
  } else {
    return `--workers must be a whole number or auto, got "${raw}"`;
  }
  // Each worker opens the database itself: in memory, each would have its own.
  if (count > 1 && db === ":memory:") {
    return "--workers above 1 needs a database file (--db): an in-memory database is private to each worker";
  }
  return count;
}

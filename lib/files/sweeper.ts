import {
  deleteFileChunks,
  fileKey,
  pendingKey,
  STARTED_PREFIX,
} from "./_keys.ts";
import { errorFields, log } from "../log.ts";

/** Options for `sweepAbandonedUploads`. */
export interface SweepOptions {
  /** Uploads without progress for longer than this are reclaimed. */
  olderThanMs: number;
}

/** Options for `startSweeper`. */
export interface SweeperOptions {
  /** Idle time after which an upload counts as abandoned; one hour by default. */
  olderThanMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Deletes the chunks and markers of uploads whose `upload_started` record is
 * older than `olderThanMs` and that never got metadata; answers how many.
 * A live upload refreshes the record about once a minute, so the age is that
 * of the upload's last progress, and a slow upload that still moves is left
 * alone.
 */
export async function sweepAbandonedUploads(
  kv: Deno.Kv,
  { olderThanMs }: SweepOptions,
): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let swept = 0;
  for await (const entry of kv.list<number>({ prefix: STARTED_PREFIX })) {
    if (typeof entry.value === "number" && entry.value > cutoff) continue;
    const fileId = String(entry.key[1]);
    // Claim first: rewriting the record changes its versionstamp, so a writer
    // or commitFileMeta racing with us fails its check instead of publishing
    // a file whose chunks are being deleted.
    const claim = await kv.atomic()
      .check(entry)
      .check({ key: fileKey(fileId), versionstamp: null })
      .set(entry.key, entry.value)
      .commit();
    if (!claim.ok) continue;
    await deleteFileChunks(kv, fileId);
    const done = await kv.atomic()
      .check({ key: entry.key, versionstamp: claim.versionstamp })
      .delete(entry.key)
      .delete(pendingKey(fileId))
      .commit();
    if (done.ok) swept++;
  }
  return swept;
}

/**
 * Runs `sweepAbandonedUploads` now and then every `intervalMs` (never two at
 * once). The returned function stops it and resolves when a sweep in flight
 * has ended, so tests and shutdown leave no timers or KV calls behind.
 */
export function startSweeper(
  kv: Deno.Kv,
  intervalMs: number,
  { olderThanMs = HOUR_MS }: SweeperOptions = {},
): () => Promise<void> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sweepAbandonedUploads(kv, { olderThanMs })
      .then(
        () => {},
        (err) =>
          log("error", "sweeping abandoned uploads failed", errorFields(err)),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    return running;
  };
}

import {
  deleteFileChunks,
  fileKey,
  pendingKey,
  STARTED_PREFIX,
  UNREFERENCED_PREFIX,
} from "./_keys.ts";
import type { FileMeta } from "./store.ts";
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

// An unreferenced file being reclaimed: its metadata is gone, its chunks may not be.
interface Reclaiming {
  reclaiming: string[];
}

/**
 * Deletes committed files that no message points at (see
 * `unreferencedFileKey`) and that have been so for longer than `olderThanMs`:
 * a message write that failed, or a process killed between the file's commit
 * and its message. Their thumbnails go with them. Answers how many.
 */
export async function sweepUnreferencedFiles(
  kv: Deno.Kv,
  { olderThanMs }: SweepOptions,
): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let swept = 0;
  for await (
    const entry of kv.list<number | Reclaiming>({ prefix: UNREFERENCED_PREFIX })
  ) {
    let mark = entry;
    let ids: string[];
    if (typeof entry.value === "number") {
      if (entry.value > cutoff) continue;
      const fileId = String(entry.key[1]);
      const meta = await kv.get<FileMeta>(fileKey(fileId));
      ids = [
        fileId,
        ...(meta.value?.thumbnail ? [meta.value.thumbnail.id] : []),
      ];
      // Unpublish first, and only if no message claimed the file meanwhile
      // (its write deletes the mark); the mark then remembers what is left,
      // so a crash midway is finished by the next sweep.
      const value: Reclaiming = { reclaiming: ids };
      const op = kv.atomic().check(entry).check(meta).set(entry.key, value);
      for (const id of ids) op.delete(fileKey(id));
      const claim = await op.commit();
      if (!claim.ok) continue;
      mark = { ...entry, value, versionstamp: claim.versionstamp };
    } else {
      ids = entry.value.reclaiming;
    }
    for (const id of ids) await deleteFileChunks(kv, id);
    const done = await kv.atomic().check(mark).delete(mark.key).commit();
    if (done.ok) swept++;
  }
  return swept;
}

/**
 * Runs `sweepAbandonedUploads` and `sweepUnreferencedFiles` now and then
 * every `intervalMs` (never two at once). The returned function stops it and resolves when a sweep in flight
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
      .then(() => sweepUnreferencedFiles(kv, { olderThanMs }))
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

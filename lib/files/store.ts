import { stageRows } from "../db/rows.ts";
import { ApiError } from "../errors.ts";
import { deleteFileChunks, fileKey, pendingKey, startedKey } from "./_keys.ts";
import { fileMetaRow } from "./rows.ts";

export { abandonUpload, deleteFileChunks } from "./_keys.ts";
export {
  beginUpload,
  HEAD_SIZE,
  writeFileChunks,
  type WriteOptions,
  type WrittenFile,
} from "./chunk_writer.ts";
export {
  startSweeper,
  sweepAbandonedUploads,
  type SweeperOptions,
  type SweepOptions,
} from "./sweeper.ts";

export { type ByteRange, CHUNK_SIZE, readFileStream } from "./reader.ts";

/** A stored file's metadata, `["files", id]`; written only after all its chunks. */
export interface FileMeta {
  /** Random id, also the key of its chunks. */
  id: string;
  /** Sanitised display and download name (see `sanitizeFileName`). */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Media type detected from the bytes (see `detectType`). */
  type: string;
  /** Lower-case hex SHA-256 of the bytes; also the ETag. */
  sha256: string;
  /** The channel whose members may read it. */
  channelId: string;
  /** The user who uploaded it. */
  uploaderId: string;
  /** ISO-8601 time of the upload; also Last-Modified. */
  createdAt: string;
  /** Pixel size of an inline image, when its header gave one. */
  width?: number;
  height?: number;
}

/**
 * Publishes a file: writes its metadata and clears the upload markers in one
 * atomic, which fails (409) if the sweeper already reclaimed the upload.
 */
export async function commitFileMeta(
  kv: Deno.Kv,
  meta: FileMeta,
): Promise<void> {
  const started = await kv.get(startedKey(meta.id));
  if (started.versionstamp === null) {
    throw new ApiError(
      409,
      "upload_expired",
      `Upload "${meta.id}" is not in progress`,
    );
  }
  const op = kv.atomic()
    .check(started)
    .check({ key: fileKey(meta.id), versionstamp: null });
  const res = await stageRows(op, [fileMetaRow(meta)])
    .delete(pendingKey(meta.id))
    .delete(startedKey(meta.id))
    .commit();
  if (!res.ok) {
    throw new ApiError(
      409,
      "upload_expired",
      `Upload "${meta.id}" changed while it was being committed`,
    );
  }
}

/**
 * Deletes a committed file that no message refers to (such as the second
 * copy of a retried upload): its metadata first, so it stops being readable
 * at once, then its chunks.
 */
export async function deleteFile(kv: Deno.Kv, id: string): Promise<void> {
  await kv.delete(fileKey(id));
  await deleteFileChunks(kv, id);
}

/** The metadata of a committed file, or null when there is none. */
export async function getFileMeta(
  kv: Deno.Kv,
  id: string,
): Promise<FileMeta | null> {
  return (await kv.get<FileMeta>(fileKey(id))).value;
}

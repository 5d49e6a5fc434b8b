import { stageRows } from "../db/rows.ts";
import { ApiError } from "../errors.ts";
import {
  deleteFileChunks,
  fileKey,
  pendingKey,
  startedKey,
  unreferencedFileKey,
} from "./_keys.ts";
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
  sweepUnreferencedFiles,
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
  /** Pixel size of an inline image, when its header gave one (upright, EXIF orientation applied). */
  width?: number;
  height?: number;
  /** The image's thumbnail, a file of its own with the same channel. */
  thumbnail?: ThumbnailRef;
}

/** Where an image's thumbnail is stored, and what it is. */
export interface ThumbnailRef {
  id: string;
  type: string;
  size: number;
  width: number;
  height: number;
}

/**
 * Publishes a file, and with it its thumbnail when it has one (`meta.thumbnail`
 * names it; `thumbnail` is its own metadata): writes the metadata and clears
 * the upload markers in one atomic, which fails (409) if the sweeper already
 * reclaimed either upload. The file is marked unreferenced until the message
 * carrying it is written (see `unreferencedFileKey`).
 */
export async function commitFileMeta(
  kv: Deno.Kv,
  meta: FileMeta,
  thumbnail?: FileMeta,
): Promise<void> {
  const metas = thumbnail === undefined ? [meta] : [meta, thumbnail];
  const started = await kv.getMany(metas.map((m) => startedKey(m.id)));
  const op = kv.atomic();
  for (const [i, entry] of started.entries()) {
    if (entry.versionstamp === null) {
      throw new ApiError(
        409,
        "upload_expired",
        `Upload "${metas[i].id}" is not in progress`,
      );
    }
    op.check(entry)
      .check({ key: fileKey(metas[i].id), versionstamp: null })
      .delete(pendingKey(metas[i].id))
      .delete(startedKey(metas[i].id));
  }
  op.set(unreferencedFileKey(meta.id), Date.now());
  const res = await stageRows(op, metas.map(fileMetaRow)).commit();
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
 * copy of a retried upload), and its thumbnail: metadata first, so neither
 * is readable from then on, then the chunks.
 */
export async function deleteFile(kv: Deno.Kv, id: string): Promise<void> {
  const meta = await getFileMeta(kv, id);
  const thumbnailId = meta?.thumbnail?.id;
  const op = kv.atomic().delete(fileKey(id)).delete(unreferencedFileKey(id));
  if (thumbnailId) op.delete(fileKey(thumbnailId));
  if (!(await op.commit()).ok) throw new Error(`Deleting file "${id}" failed`);
  await deleteFileChunks(kv, id);
  if (thumbnailId) await deleteFileChunks(kv, thumbnailId);
}

/** The metadata of a committed file, or null when there is none. */
export async function getFileMeta(
  kv: Deno.Kv,
  id: string,
): Promise<FileMeta | null> {
  return (await kv.get<FileMeta>(fileKey(id))).value;
}

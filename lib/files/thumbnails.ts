/**
 * The thumbnail of an uploaded image: drawn while the upload is still staged
 * and stored like any file (its own chunks and metadata), published in the
 * same atomic as the original (see `commitFileMeta`). Anything that goes
 * wrong, a format the library cannot read, an image too large to decode
 * safely, a busy or slow worker, leaves the upload without a thumbnail and
 * never fails it.
 */
import { errorFields, log } from "../log.ts";
import { writeFileChunks } from "./chunk_writer.ts";
import { jpegOrientation } from "./orientation.ts";
import { readFileStream } from "./reader.ts";
import type { Box } from "./thumbnail_render.ts";
import type { Thumbnailer } from "./thumbnailer.ts";
import type { StagedFile } from "./upload.ts";

/** Twice the chat's 360 x 240 image box, so thumbnails stay sharp on high-density screens. */
export const THUMBNAIL_BOX: Box = { width: 720, height: 480 };

/**
 * Most pixels decoded for a thumbnail (40 megapixels, 160 MB as RGBA). The
 * header's size is checked before decoding, so a small file declaring a huge
 * image (a decompression bomb) is never decoded.
 */
export const MAX_THUMBNAIL_PIXELS = 40_000_000;

/** Largest file read into memory to draw a thumbnail. */
export const MAX_THUMBNAIL_SOURCE_BYTES = 50 * 1024 * 1024;

const DRAWN_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/** Whether a staged upload is an image Hearth would draw a thumbnail for. */
export function wantsThumbnail(file: StagedFile): boolean {
  return DRAWN_TYPES.has(file.type) && file.width !== undefined &&
    file.height !== undefined &&
    file.width * file.height <= MAX_THUMBNAIL_PIXELS &&
    file.size <= MAX_THUMBNAIL_SOURCE_BYTES;
}

/**
 * Draws and stages the thumbnail of a staged image upload; null when there
 * is none to make. Like the original, the staged thumbnail is reclaimed by
 * the sweeper if it is never committed.
 */
export async function stageThumbnail(
  kv: Deno.Kv,
  thumbnailer: Thumbnailer,
  file: StagedFile,
): Promise<StagedFile | null> {
  if (!DRAWN_TYPES.has(file.type)) return null;
  if (!wantsThumbnail(file)) {
    log("info", "no thumbnail", {
      fileId: file.id,
      reason: "size unknown or too large to decode safely",
      width: file.width,
      height: file.height,
      size: file.size,
    });
    return null;
  }
  try {
    const bytes = new Uint8Array(
      await new Response(readFileStream(kv, file)).arrayBuffer(),
    );
    const orientation = file.type === "image/jpeg" ? jpegOrientation(bytes) : 1;
    const drawn = await thumbnailer.render(bytes, THUMBNAIL_BOX, orientation);
    if (drawn === null) return null;
    const id = crypto.randomUUID();
    const written = await writeFileChunks(
      kv,
      id,
      ReadableStream.from([drawn.bytes]),
      { maxBytes: drawn.bytes.byteLength },
    );
    return {
      id,
      name: drawn.type === "image/jpeg" ? "thumbnail.jpg" : "thumbnail.webp",
      size: written.size,
      type: drawn.type,
      sha256: written.sha256,
      width: drawn.width,
      height: drawn.height,
    };
  } catch (error) {
    log("warn", "no thumbnail", { fileId: file.id, ...errorFields(error) });
    return null;
  }
}

import { sanitizeFileName } from "./names.ts";
import { writeFileChunks } from "./chunk_writer.ts";
import { imageSize } from "./image_size.ts";
import { jpegOrientation, swapsSides } from "./orientation.ts";
import { detectType } from "./types.ts";

/** A file whose bytes are stored but not yet published with `commitFileMeta`. */
export interface StagedFile {
  /** Fresh random id of the upload, and of the file once committed. */
  id: string;
  /** Sanitised name, safe to store and show. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Detected from the bytes (or, for text, the name); never the client's claim. */
  type: string;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  /** Pixel size, upright, for PNG, GIF, WebP and JPEG images whose header gives it. */
  width?: number;
  height?: number;
}

/** Options for `stageFile`. */
export interface StageOptions {
  /** The client's file name. */
  name: string;
  /** Largest accepted size in bytes. */
  maxBytes: number;
  /** Aborts the upload and deletes what was written. */
  signal?: AbortSignal;
}

/**
 * Streams an upload into KV under a fresh id and works out its safe name and
 * type. Until `commitFileMeta` publishes it, the sweeper may reclaim it, and
 * `abandonUpload` discards it at once.
 */
export async function stageFile(
  kv: Deno.Kv,
  stream: ReadableStream<Uint8Array>,
  { name, maxBytes, signal }: StageOptions,
): Promise<StagedFile> {
  const id = crypto.randomUUID();
  const safeName = sanitizeFileName(name);
  const written = await writeFileChunks(kv, id, stream, { maxBytes, signal });
  const type = await detectType(written.head, safeName);
  let pixels = imageSize(written.head, type);
  // The chat lays the image out as browsers show it: upright.
  if (
    pixels && type === "image/jpeg" &&
    swapsSides(jpegOrientation(written.head))
  ) pixels = { width: pixels.height, height: pixels.width };
  return {
    id,
    name: safeName,
    size: written.size,
    type,
    sha256: written.sha256,
    ...pixels,
  };
}

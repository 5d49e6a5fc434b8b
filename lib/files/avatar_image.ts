/**
 * Reads an avatar upload (multipart field `file`) and draws it: the centred
 * square, at most 256 px a side, by the thumbnailer's worker and library.
 */
import { ApiError } from "../errors.ts";
import { tooLarge } from "./_errors.ts";
import { imageSize } from "./image_size.ts";
import { readUpload } from "./multipart.ts";
import { jpegOrientation } from "./orientation.ts";
import type { RenderedThumbnail } from "./thumbnail_render.ts";
import type { Thumbnailer } from "./thumbnailer.ts";
import { MAX_THUMBNAIL_PIXELS } from "./thumbnails.ts";
import { detectType } from "./types.ts";

/** Largest avatar upload, in bytes. */
export const MAX_AVATAR_BYTES = 8 * 1024 * 1024;
/** The side of a drawn avatar, in pixels: sharp at 128 px on dense screens. */
export const AVATAR_SIDE = 256;

const AVATAR_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/**
 * The drawn avatar of an upload. 422 `not_an_image` unless the file is a
 * PNG, JPEG, GIF or WebP whose size can be read and is safe to decode; 422
 * `image_unreadable` when it does not draw; 413 past `MAX_AVATAR_BYTES`.
 */
export async function drawAvatar(
  req: Request,
  thumbnailer: Thumbnailer,
): Promise<RenderedThumbnail> {
  const { file: bytes } = await readUpload(req, {
    maxBytes: MAX_AVATAR_BYTES,
    onFile: async ({ stream }) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of stream) {
        size += chunk.length;
        if (size > MAX_AVATAR_BYTES) {
          throw tooLarge("File", MAX_AVATAR_BYTES);
        }
        chunks.push(chunk);
      }
      const all = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      return all;
    },
  });
  const type = await detectType(bytes, "");
  const size = AVATAR_TYPES.has(type) ? imageSize(bytes, type) : null;
  if (size === null || size.width * size.height > MAX_THUMBNAIL_PIXELS) {
    throw new ApiError(
      422,
      "not_an_image",
      "An avatar must be a PNG, JPEG, GIF or WebP image",
    );
  }
  const orientation = type === "image/jpeg" ? jpegOrientation(bytes) : 1;
  const drawn = await thumbnailer.render(
    bytes,
    { width: AVATAR_SIDE, height: AVATAR_SIDE },
    orientation,
    true,
  );
  if (drawn === null) {
    throw new ApiError(
      422,
      "image_unreadable",
      "The image could not be read; try another",
    );
  }
  return drawn;
}

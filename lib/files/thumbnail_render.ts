/**
 * Decodes an image and draws its thumbnail (the work `thumbnail_worker.ts`
 * does off the main thread): scaled into a box, never enlarged, turned
 * upright by its EXIF orientation, and encoded as JPEG when it is opaque or
 * lossless WebP when it has transparency (JPEG would blacken it). The image
 * library is photon (Rust's `image` crate in WebAssembly), whose module is
 * inlined in its JavaScript: it loads without a file path, so it works in the
 * compiled binary and on Deno Deploy. A GIF gives its first frame.
 */
import {
  crop,
  PhotonImage,
  resize,
  SamplingFilter,
} from "@cf-wasm/photon/node";
import { type Orientation, orientPixels, swapsSides } from "./orientation.ts";

/** A box to fit a thumbnail into, in pixels. */
export interface Box {
  width: number;
  height: number;
}

/** A drawn thumbnail. */
export interface RenderedThumbnail {
  bytes: Uint8Array;
  type: "image/jpeg" | "image/webp";
  width: number;
  height: number;
}

/** JPEG quality of opaque thumbnails: small, and no visible blocks at chat size. */
const JPEG_QUALITY = 80;

/** The size an upright `width` x `height` image is shown at inside `box` (never enlarged). */
export function fitInto(width: number, height: number, box: Box): Box {
  const scale = Math.min(1, box.width / width, box.height / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Draws the thumbnail of an encoded image; throws when the bytes do not
 * decode. `square` first cuts the largest centred square out of it (as for
 * an avatar); a centred square stays centred whatever the orientation.
 */
export function renderThumbnail(
  bytes: Uint8Array,
  box: Box,
  orientation: Orientation = 1,
  square = false,
): RenderedThumbnail {
  const decoded = PhotonImage.new_from_byteslice(bytes);
  let source = decoded;
  let scaled: PhotonImage | null = null;
  let upright: PhotonImage | null = null;
  try {
    if (square) {
      const width = decoded.get_width();
      const height = decoded.get_height();
      const side = Math.min(width, height);
      const left = Math.floor((width - side) / 2);
      const top = Math.floor((height - side) / 2);
      source = crop(decoded, left, top, left + side, top + side);
    }
    const swap = swapsSides(orientation);
    const stored = { width: source.get_width(), height: source.get_height() };
    const size = swap
      ? fitInto(stored.height, stored.width, box)
      : fitInto(stored.width, stored.height, box);
    const scaledWidth = swap ? size.height : size.width;
    const scaledHeight = swap ? size.width : size.height;
    scaled = resize(source, scaledWidth, scaledHeight, SamplingFilter.Triangle);
    const pixels = orientPixels(
      scaled.get_raw_pixels(),
      scaledWidth,
      scaledHeight,
      orientation,
    );
    upright = new PhotonImage(pixels, size.width, size.height);
    const opaque = isOpaque(pixels);
    return {
      bytes: opaque
        ? upright.get_bytes_jpeg(JPEG_QUALITY)
        : upright.get_bytes_webp(),
      type: opaque ? "image/jpeg" : "image/webp",
      width: size.width,
      height: size.height,
    };
  } finally {
    if (source !== decoded) source.free();
    decoded.free();
    scaled?.free();
    upright?.free();
  }
}

function isOpaque(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) return false;
  }
  return true;
}

/**
 * Width and height of an image from its first bytes, so the chat can lay out
 * an inline image at its shape before it loads (nothing jumps when it does).
 * Only the formats shown inline: PNG, GIF, WebP and JPEG. Anything that does
 * not parse cleanly gives null; the page then uses a fixed box.
 */

/** Pixel size of an image. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Leading bytes worth keeping for `imageSize`: JPEG's size may follow a large EXIF block. */
export const IMAGE_HEAD_BYTES = 64 * 1024;

// Larger claims are corrupt or hostile; browsers refuse such images anyway.
const MAX_SIDE = 65_535;

/** The size `head` (the file's first bytes) declares for an image of `type`, or null. */
export function imageSize(head: Uint8Array, type: string): ImageSize | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size: ImageSize | null = null;
  try {
    if (type === "image/png") size = png(head, view);
    else if (type === "image/gif") size = gif(head, view);
    else if (type === "image/webp") size = webp(head, view);
    else if (type === "image/jpeg") size = jpeg(head, view);
  } catch {
    // Reading past the end of a truncated header: no size, not an error.
    return null;
  }
  if (
    !size || !Number.isInteger(size.width) || !Number.isInteger(size.height) ||
    size.width < 1 || size.height < 1 || size.width > MAX_SIDE ||
    size.height > MAX_SIDE
  ) return null;
  return size;
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (bytes[at + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

// The IHDR chunk comes first: width and height at bytes 16 and 20, big-endian.
function png(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!ascii(bytes, 12, "IHDR")) return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

// The logical screen size follows the signature, little-endian.
function gif(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!ascii(bytes, 0, "GIF8")) return null;
  return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
}

function webp(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (!ascii(bytes, 0, "RIFF") || !ascii(bytes, 8, "WEBP")) return null;
  if (ascii(bytes, 12, "VP8 ")) {
    // Lossy: a frame tag, the start code 9d 01 2a, then 14-bit sizes.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) {
      return null;
    }
    return {
      width: view.getUint16(26, true) & 0x3fff,
      height: view.getUint16(28, true) & 0x3fff,
    };
  }
  if (ascii(bytes, 12, "VP8L")) {
    // Lossless: signature 0x2f, then 14 bits each of width - 1 and height - 1.
    if (bytes[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (ascii(bytes, 12, "VP8X")) {
    // Extended: 24-bit canvas width - 1 and height - 1.
    const w = bytes[24] | bytes[25] << 8 | bytes[26] << 16;
    const h = bytes[27] | bytes[28] << 8 | bytes[29] << 16;
    return { width: w + 1, height: h + 1 };
  }
  return null;
}

// Walks the segments to the first start-of-frame, which holds the size.
function jpeg(bytes: Uint8Array, view: DataView): ImageSize | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    // Fill bytes, and markers that stand alone without a length.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // SOF0..SOF15, except DHT (c4), JPG (c8) and DAC (cc).
    if (
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 &&
      marker !== 0xc8 && marker !== 0xcc
    ) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}

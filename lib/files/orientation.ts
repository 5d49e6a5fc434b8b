/**
 * The EXIF orientation of a JPEG, and turning pixels upright by it. Phones
 * store photos as the sensor saw them and record the turn in EXIF; browsers
 * apply it when they show the original, so a thumbnail (and the size the chat
 * lays the image out at) must apply it too, or a portrait photo shows as a
 * landscape one.
 */

/** EXIF orientation 1 to 8; 1 is upright. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** Whether an orientation swaps width and height (the quarter turns and transposes). */
export function swapsSides(orientation: Orientation): boolean {
  return orientation >= 5;
}

/** The orientation a JPEG's first bytes record, 1 when they record none or do not parse. */
export function jpegOrientation(head: Uint8Array): Orientation {
  try {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (view.getUint16(0) !== 0xffd8) return 1;
    let at = 2;
    while (at + 4 <= head.byteLength) {
      const marker = view.getUint16(at);
      const length = view.getUint16(at + 2);
      // APP1 holding "Exif\0\0", then a TIFF header.
      if (marker === 0xffe1 && view.getUint32(at + 4) === 0x45786966) {
        return tiffOrientation(view, at + 10);
      }
      // Start of scan: the metadata segments are behind us.
      if (marker === 0xffda || (marker & 0xff00) !== 0xff00) return 1;
      at += 2 + length;
    }
  } catch {
    // Cut short inside a segment: treat as upright.
  }
  return 1;
}

function tiffOrientation(view: DataView, tiff: number): Orientation {
  const little = view.getUint16(tiff) === 0x4949;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (view.getUint16(entry, little) === 0x0112) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value as Orientation : 1;
    }
  }
  return 1;
}

/**
 * RGBA pixels of a `width` x `height` image turned upright by `orientation`;
 * the result is `height` x `width` when `swapsSides(orientation)`.
 */
export function orientPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  orientation: Orientation,
): Uint8Array {
  if (orientation === 1) return pixels;
  const swap = swapsSides(orientation);
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  const out = new Uint8Array(pixels.length);
  const source = new Uint32Array(
    pixels.buffer,
    pixels.byteOffset,
    pixels.length / 4,
  );
  const target = new Uint32Array(out.buffer);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const [sx, sy] = sourceOf(orientation, x, y, width, height);
      target[y * outWidth + x] = source[sy * width + sx];
    }
  }
  return out;
}

// Where the upright pixel (x, y) sits in the stored image.
function sourceOf(
  orientation: Orientation,
  x: number,
  y: number,
  width: number,
  height: number,
): [number, number] {
  switch (orientation) {
    case 2:
      return [width - 1 - x, y];
    case 3:
      return [width - 1 - x, height - 1 - y];
    case 4:
      return [x, height - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, height - 1 - x];
    case 7:
      return [width - 1 - y, height - 1 - x];
    case 8:
      return [width - 1 - y, x];
    default:
      return [x, y];
  }
}

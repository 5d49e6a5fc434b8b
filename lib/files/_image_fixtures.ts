/**
 * Images for the thumbnail tests, made on the spot: PNG, JPEG and WebP drawn
 * with the same image library the server uses, GIF with `omggif`, a JPEG with
 * an EXIF orientation, and headers that declare far more pixels than their
 * bytes hold.
 */
import { PhotonImage } from "@cf-wasm/photon/node";
// @ts-types="./_omggif.d.ts"
import { GifWriter } from "omggif";

/**
 * RGBA pixels of a `width` x `height` picture: red grows left to right, green
 * top to bottom, blue is noise (so it compresses like a photo, not a diagram).
 */
export function picture(
  width: number,
  height: number,
  alpha = 255,
): Uint8Array {
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      pixels[i] = Math.round((x / width) * 255);
      pixels[i + 1] = Math.round((y / height) * 255);
      pixels[i + 2] = Math.imul(x * 31 + y, 2654435761) >>> 24;
      pixels[i + 3] = alpha;
    }
  }
  return pixels;
}

function encoded(
  width: number,
  height: number,
  encode: (image: PhotonImage) => Uint8Array,
  alpha = 255,
): Uint8Array<ArrayBuffer> {
  const image = new PhotonImage(picture(width, height, alpha), width, height);
  try {
    return new Uint8Array(encode(image));
  } finally {
    image.free();
  }
}

/** A PNG of `picture(width, height, alpha)`. */
export function png(
  width: number,
  height: number,
  alpha = 255,
): Uint8Array<ArrayBuffer> {
  return encoded(width, height, (image) => image.get_bytes(), alpha);
}

/** A JPEG of `picture(width, height)`, with an EXIF orientation when one is given. */
export function jpeg(
  width: number,
  height: number,
  orientation?: number,
): Uint8Array<ArrayBuffer> {
  const plain = encoded(width, height, (image) => image.get_bytes_jpeg(90));
  if (orientation === undefined) return plain;
  // APP1: "Exif\0\0", a big-endian TIFF header, one IFD with one entry.
  const exif = new Uint8Array([
    0xff,
    0xe1,
    0x00,
    0x22,
    0x45,
    0x78,
    0x69,
    0x66,
    0x00,
    0x00,
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08,
    0x00,
    0x01,
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    orientation,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
  ]);
  const out = new Uint8Array(plain.length + exif.length);
  out.set(plain.subarray(0, 2));
  out.set(exif, 2);
  out.set(plain.subarray(2), 2 + exif.length);
  return out;
}

/** A lossless WebP of `picture(width, height)`. */
export function webp(width: number, height: number): Uint8Array<ArrayBuffer> {
  return encoded(width, height, (image) => image.get_bytes_webp());
}

/** A two-frame GIF: the first frame is red, the second blue. */
export function gif(width: number, height: number): Uint8Array<ArrayBuffer> {
  const buffer = new Uint8Array(width * height * 2 + 4096);
  const writer = new GifWriter(buffer, width, height, {
    palette: [0xff0000, 0x0000ff],
    loop: 0,
  });
  writer.addFrame(0, 0, width, height, new Array(width * height).fill(0), {
    delay: 10,
  });
  writer.addFrame(0, 0, width, height, new Array(width * height).fill(1), {
    delay: 10,
  });
  return buffer.slice(0, writer.end());
}

/** A PNG whose header declares `width` x `height` but that holds no pixels: a decompression bomb's shape. */
export function pngDeclaring(
  width: number,
  height: number,
): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33 + 12);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 13);
  bytes.set([0x49, 0x48, 0x44, 0x52], 12);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  view.setUint32(33, 0);
  bytes.set([0x49, 0x45, 0x4e, 0x44], 37);
  return bytes;
}

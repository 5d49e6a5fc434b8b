import assert from "node:assert/strict";
import { IMAGE_HEAD_BYTES, imageSize } from "./image_size.ts";

const text = (s: string) => [...s].map((c) => c.charCodeAt(0));
const u16le = (n: number) => [n & 0xff, n >> 8];
const u16be = (n: number) => [n >> 8, n & 0xff];
const u32be = (
  n: number,
) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

function png(width: number, height: number): Uint8Array {
  return Uint8Array.from([
    0x89,
    ...text("PNG\r\n\x1a\n"),
    ...u32be(13),
    ...text("IHDR"),
    ...u32be(width),
    ...u32be(height),
    8,
    6,
    0,
    0,
    0,
  ]);
}

function jpeg(width: number, height: number, exifBytes: number): Uint8Array {
  const exif = [
    0xff,
    0xe1,
    ...u16be(exifBytes + 2),
    ...new Array(exifBytes).fill(0x41),
  ];
  const sof = [
    0xff,
    0xc2,
    ...u16be(17),
    8,
    ...u16be(height),
    ...u16be(width),
    3,
    ...new Array(9).fill(0),
  ];
  return Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    ...u16be(16),
    ...new Array(14).fill(0),
    ...exif,
    ...sof,
    0xff,
    0xda,
  ]);
}

Deno.test("imageSize() reads PNG, GIF and all three WebP headers", () => {
  assert.deepEqual(imageSize(png(640, 480), "image/png"), {
    width: 640,
    height: 480,
  });
  const gif = Uint8Array.from([
    ...text("GIF89a"),
    ...u16le(320),
    ...u16le(200),
    0,
    0,
    0,
  ]);
  assert.deepEqual(imageSize(gif, "image/gif"), { width: 320, height: 200 });
  const riff = (kind: string, body: number[]) =>
    Uint8Array.from([
      ...text("RIFF"),
      0,
      0,
      0,
      0,
      ...text("WEBP"),
      ...text(kind),
      0,
      0,
      0,
      0,
      ...body,
    ]);
  const lossy = riff("VP8 ", [
    0,
    0,
    0,
    0x9d,
    0x01,
    0x2a,
    ...u16le(1024),
    ...u16le(768),
  ]);
  assert.deepEqual(imageSize(lossy, "image/webp"), {
    width: 1024,
    height: 768,
  });
  const bits = (99 & 0x3fff) | ((49 & 0x3fff) << 14);
  const lossless = riff("VP8L", [
    0x2f,
    bits & 0xff,
    (bits >> 8) & 0xff,
    (bits >> 16) & 0xff,
    bits >>> 24,
  ]);
  assert.deepEqual(imageSize(lossless, "image/webp"), {
    width: 100,
    height: 50,
  });
  const extended = riff("VP8X", [
    0,
    0,
    0,
    0,
    0x3f,
    0x1f,
    0x00,
    0xdf,
    0x0e,
    0x00,
  ]);
  assert.deepEqual(imageSize(extended, "image/webp"), {
    width: 8000,
    height: 3808,
  });
});

Deno.test("imageSize() finds a JPEG's frame behind a large EXIF block", () => {
  const photo = jpeg(4032, 3024, 30_000);
  assert.ok(photo.length < IMAGE_HEAD_BYTES && photo.length > 4100);
  assert.deepEqual(imageSize(photo, "image/jpeg"), {
    width: 4032,
    height: 3024,
  });
});

Deno.test("imageSize() answers null for anything that does not parse cleanly", () => {
  assert.equal(imageSize(png(640, 480).slice(0, 20), "image/png"), null);
  assert.equal(imageSize(png(0, 480), "image/png"), null);
  assert.equal(imageSize(png(100_000, 480), "image/png"), null);
  assert.equal(imageSize(png(640, 480), "image/gif"), null);
  assert.equal(imageSize(png(640, 480), "application/pdf"), null);
  assert.equal(
    imageSize(jpeg(10, 10, 30_000).slice(0, 20_000), "image/jpeg"),
    null,
  );
  assert.equal(imageSize(new Uint8Array(0), "image/jpeg"), null);
  assert.equal(
    imageSize(Uint8Array.from([0xff, 0xd8, 0x00, 0x00]), "image/jpeg"),
    null,
  );
});

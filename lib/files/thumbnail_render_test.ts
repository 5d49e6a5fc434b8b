import assert from "node:assert/strict";
import { PhotonImage } from "@cf-wasm/photon/node";
import { gif, jpeg, png, webp } from "./_image_fixtures.ts";
import { imageSize } from "./image_size.ts";
import { fitInto, renderThumbnail } from "./thumbnail_render.ts";

const BOX = { width: 720, height: 480 };

function pixelAt(bytes: Uint8Array, x: number, y: number): number[] {
  const image = PhotonImage.new_from_byteslice(bytes);
  try {
    const i = (y * image.get_width() + x) * 4;
    return Array.from(image.get_raw_pixels().subarray(i, i + 4));
  } finally {
    image.free();
  }
}

Deno.test("fitInto() keeps the shape, never enlarges", () => {
  assert.deepEqual(fitInto(4000, 3000, BOX), { width: 640, height: 480 });
  assert.deepEqual(fitInto(3000, 4000, BOX), { width: 360, height: 480 });
  assert.deepEqual(fitInto(100, 50, BOX), { width: 100, height: 50 });
  assert.deepEqual(fitInto(10000, 10, BOX), { width: 720, height: 1 });
});

Deno.test("renderThumbnail() draws PNG, JPEG, WebP and GIF into the box at their shape", () => {
  for (
    const [name, bytes, width, height] of [
      ["png", png(1600, 1200), 640, 480],
      ["jpeg", jpeg(1200, 1600), 360, 480],
      ["webp", webp(900, 300), 720, 240],
      ["gif", gif(300, 200), 300, 200],
    ] as const
  ) {
    const thumb = renderThumbnail(bytes, BOX);
    assert.equal(thumb.width, width, name);
    assert.equal(thumb.height, height, name);
    assert.equal(thumb.type, "image/jpeg", name);
    assert.deepEqual(imageSize(thumb.bytes, "image/jpeg"), { width, height });
  }
});

Deno.test("renderThumbnail() takes a GIF's first frame", () => {
  const [r, g, b] = pixelAt(renderThumbnail(gif(64, 64), BOX).bytes, 32, 32);
  assert.ok(r > 200 && g < 60 && b < 60, `red, got ${[r, g, b]}`);
});

Deno.test("renderThumbnail() keeps transparency as WebP", () => {
  const thumb = renderThumbnail(png(800, 800, 128), BOX);
  assert.equal(thumb.type, "image/webp");
  assert.deepEqual([thumb.width, thumb.height], [480, 480]);
  assert.equal(pixelAt(thumb.bytes, 10, 10)[3], 128);
});

Deno.test("renderThumbnail() turns a photo upright by its EXIF orientation", () => {
  // Stored 800 x 400, turned a quarter clockwise: upright it is 400 x 800.
  const thumb = renderThumbnail(jpeg(800, 400, 6), BOX, 6);
  assert.deepEqual([thumb.width, thumb.height], [240, 480]);
  // The stored top-left corner (black-ish) is now the top-right one.
  const [r, g] = pixelAt(thumb.bytes, 235, 3);
  assert.ok(r < 40 && g < 40, `dark corner, got ${[r, g]}`);
});

Deno.test("renderThumbnail() throws for bytes that do not decode", () => {
  const broken = png(64, 64).slice(0, 60);
  assert.throws(() => renderThumbnail(broken, BOX));
});

Deno.test("renderThumbnail() with square cuts the centred square, then fits it, never enlarging", () => {
  const box = { width: 256, height: 256 };
  for (
    const [image, side] of [
      [png(600, 300), 256],
      [png(120, 300), 120],
      [jpeg(90, 40), 40],
    ] as const
  ) {
    const drawn = renderThumbnail(image, box, 1, true);
    assert.deepEqual([drawn.width, drawn.height], [side, side]);
    assert.deepEqual(imageSize(drawn.bytes, drawn.type), {
      width: side,
      height: side,
    });
  }
});

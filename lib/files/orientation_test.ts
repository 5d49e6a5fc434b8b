import assert from "node:assert/strict";
import { jpeg } from "./_image_fixtures.ts";
import { jpegOrientation, orientPixels } from "./orientation.ts";

Deno.test("jpegOrientation() reads the EXIF tag, 1 without one", () => {
  for (const o of [1, 3, 6, 8]) assert.equal(jpegOrientation(jpeg(8, 4, o)), o);
  assert.equal(jpegOrientation(jpeg(8, 4)), 1);
  assert.equal(jpegOrientation(new Uint8Array([0xff, 0xd8, 0xff])), 1);
  assert.equal(jpegOrientation(new Uint8Array([1, 2, 3])), 1);
});

Deno.test("orientPixels() turns and flips as EXIF says", () => {
  // A 2 x 1 image: pixel A then pixel B, one byte of each channel set apart.
  const a = [1, 0, 0, 255];
  const b = [2, 0, 0, 255];
  const row = new Uint8Array([...a, ...b]);
  assert.deepEqual([...orientPixels(row, 2, 1, 2)], [...b, ...a]);
  assert.deepEqual([...orientPixels(row, 2, 1, 3)], [...b, ...a]);
  // A quarter turn clockwise: A on top of B.
  assert.deepEqual([...orientPixels(row, 2, 1, 6)], [...a, ...b]);
  // A quarter turn counter-clockwise: B on top of A.
  assert.deepEqual([...orientPixels(row, 2, 1, 8)], [...b, ...a]);
});

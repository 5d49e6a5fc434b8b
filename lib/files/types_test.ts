import assert from "node:assert/strict";
import { detectType, isInlineSafe } from "./types.ts";

const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("detectType() believes PNG bytes over a .txt name", async () => {
  assert.equal(await detectType(PNG, "notes.txt"), "image/png");
});

Deno.test("detectType() names HTML by its extension, and it is never inline", async () => {
  const type = await detectType(
    text("<!doctype html><script>alert(1)</script>"),
    "x.html",
  );
  assert.equal(type, "text/html");
  assert.equal(isInlineSafe(type), false);
});

Deno.test("detectType() names SVG, with or without an XML prolog, and it is never inline", async () => {
  const bare = await detectType(
    text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    "a.svg",
  );
  assert.equal(bare, "image/svg+xml");
  const prolog = await detectType(
    text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    "a.svg",
  );
  assert.equal(prolog, "image/svg+xml");
  assert.equal(isInlineSafe(bare), false);
});

Deno.test("detectType() answers octet-stream for unknown bytes and names", async () => {
  assert.equal(
    await detectType(new Uint8Array([1, 2, 3, 4, 5]), "blob.xyz"),
    "application/octet-stream",
  );
  assert.equal(
    await detectType(new Uint8Array(), "noext"),
    "application/octet-stream",
  );
});

Deno.test("detectType() does not believe a binary extension the bytes deny", async () => {
  assert.equal(
    await detectType(text("<script>alert(1)</script>"), "cat.png"),
    "application/octet-stream",
  );
});

Deno.test("detectType() names text formats by extension", async () => {
  assert.equal(await detectType(text("hello"), "README.MD"), "text/markdown");
  assert.equal(await detectType(text("a,b\n1,2"), "t.csv"), "text/csv");
  assert.equal(await detectType(text("{}"), "x.json"), "application/json");
  assert.equal(await detectType(text("hi"), "x.txt"), "text/plain");
});

Deno.test("detectType() reads PDF and GIF magic numbers", async () => {
  assert.equal(
    await detectType(text("%PDF-1.7\n%âãÏÓ\n"), "doc"),
    "application/pdf",
  );
  assert.equal(
    await detectType(text("GIF89a\x01\x00\x01\x00"), "x.bin"),
    "image/gif",
  );
});

Deno.test("isInlineSafe() allows only raster images", () => {
  for (
    const type of [
      "image/png",
      "image/jpeg",
      "image/gif",
      "image/webp",
      "IMAGE/PNG",
    ]
  ) {
    assert.equal(isInlineSafe(type), true, type);
  }
  for (
    const type of [
      "image/svg+xml",
      "application/pdf",
      "text/html",
      "text/plain",
      "application/xhtml+xml",
      "application/octet-stream",
      "",
    ]
  ) {
    assert.equal(isInlineSafe(type), false, type);
  }
});

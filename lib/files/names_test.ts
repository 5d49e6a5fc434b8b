import assert from "node:assert/strict";
import { contentDisposition, sanitizeFileName } from "./names.ts";

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

Deno.test("sanitizeFileName() keeps only the last path segment", () => {
  assert.equal(sanitizeFileName("../../etc/passwd"), "passwd");
  assert.equal(sanitizeFileName("C:\\Users\\me\\photo.png"), "photo.png");
  assert.equal(sanitizeFileName("a/b\\c/d.txt"), "d.txt");
});

Deno.test("sanitizeFileName() drops control and bidi-override characters", () => {
  assert.equal(sanitizeFileName("re\nport\r\t\u0000.pdf"), "report.pdf");
  assert.equal(sanitizeFileName("x\u007f\u0085y.txt"), "xy.txt");
  assert.equal(sanitizeFileName("invoice\u202Efdp.exe"), "invoicefdp.exe");
});

Deno.test("sanitizeFileName() trims dots and spaces at both ends", () => {
  assert.equal(sanitizeFileName("  .hidden  "), "hidden");
  assert.equal(sanitizeFileName("name.txt. . "), "name.txt");
  assert.equal(sanitizeFileName("my file.txt"), "my file.txt");
});

Deno.test("sanitizeFileName() falls back to file when nothing is left", () => {
  for (const name of ["", "..", "../", "/", " . ", "\n\u0001", "a/.."]) {
    assert.equal(sanitizeFileName(name), "file", JSON.stringify(name));
  }
});

Deno.test("sanitizeFileName() fits 255 UTF-8 bytes without splitting a character", () => {
  const long = "日本語".repeat(100) + ".txt";
  const clean = sanitizeFileName(long);
  assert.ok(utf8Length(clean) <= 255);
  assert.ok(
    clean.endsWith("語.txt") || clean.endsWith("日.txt") ||
      clean.endsWith("本.txt"),
  );
  assert.ok(!clean.includes("\uFFFD"));
  const emoji = sanitizeFileName("😀".repeat(100));
  assert.equal(utf8Length(emoji), 252);
  assert.equal([...emoji].length, 63);
  assert.equal(sanitizeFileName("a".repeat(300)).length, 255);
});

Deno.test("contentDisposition() neutralises a path traversal name", () => {
  assert.equal(
    contentDisposition("../../etc/passwd", false),
    `attachment; filename="passwd"; filename*=UTF-8''passwd`,
  );
});

Deno.test("contentDisposition() handles a quote and a newline", () => {
  const value = contentDisposition('say "hi"\nnow.txt', true);
  assert.equal(
    value,
    `inline; filename="say _hi_now.txt"; filename*=UTF-8''say%20%22hi%22now.txt`,
  );
  // It must be a legal header value.
  assert.equal(
    new Headers({ "Content-Disposition": value }).get("Content-Disposition"),
    value,
  );
});

Deno.test("contentDisposition() encodes a long UTF-8 name per RFC 8187", () => {
  const name = "résumé ".repeat(40) + "(final)'s copy*.pdf";
  const value = contentDisposition(name, false);
  const match =
    /^attachment; filename="([\x20-\x7e]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$/
      .exec(value);
  assert.ok(match, value);
  assert.ok(!match[1].includes('"') && !match[1].includes("\\"));
  const decoded = decodeURIComponent(match[2]);
  assert.equal(decoded, sanitizeFileName(name));
  assert.ok(utf8Length(decoded) <= 255);
  assert.ok(decoded.endsWith(".pdf"));
});

Deno.test("contentDisposition() replaces backslashes and percent signs in the fallback", () => {
  // Backslashes are path separators, so only the percent sign survives sanitising.
  assert.equal(
    contentDisposition("100% done.txt", false),
    `attachment; filename="100_ done.txt"; filename*=UTF-8''100%25%20done.txt`,
  );
});

import assert from "node:assert/strict";
import {
  codePointLength,
  comparableName,
  contentLength,
  utf8ByteLength,
} from "./text.ts";

Deno.test("utf8ByteLength() matches TextEncoder", () => {
  for (
    const text of [
      "",
      "abc",
      "é",
      "€",
      "😀",
      "a😀é€",
      "\ud800x",
      "\ud800é",
      "x\udc00",
      "\udc00\ud800",
    ]
  ) {
    assert.equal(
      utf8ByteLength(text),
      new TextEncoder().encode(text).length,
      JSON.stringify(text),
    );
  }
});

Deno.test("codePointLength() counts code points, not UTF-16 units", () => {
  assert.equal(codePointLength("abc"), 3);
  assert.equal(codePointLength("🔥🔥"), 2);
  assert.equal(codePointLength("é€"), 2);
});

Deno.test("contentLength() counts code points of the trimmed, \\n-only text", () => {
  assert.equal(contentLength("  🔥🔥  "), 2);
  assert.equal(contentLength("a\r\nb"), 3);
  assert.equal(contentLength("😀".repeat(4000)), 4000);
  assert.equal(contentLength("\n\n"), 0);
});

Deno.test("comparableName() drops what cannot be seen, folds case and composes", () => {
  assert.equal(comparableName("General"), "general");
  assert.equal(comparableName("gen\u200deral\ufe0f"), "general");
  assert.equal(comparableName("gen\u00aderal"), "general");
  assert.equal(comparableName("Cafe\u0301"), "caf\u00e9");
  assert.notEqual(comparableName("general"), comparableName("genera1"));
});

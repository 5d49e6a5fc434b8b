import assert from "node:assert/strict";
import { MAX_CONTENT_LENGTH, MAX_FRAME_BYTES } from "../shared/limits.ts";
import { parseClientFrame } from "./frames.ts";

function errorCode(text: string): string {
  const result = parseClientFrame(text);
  assert.equal(result.ok, false, `expected ${text.slice(0, 60)} to fail`);
  return result.ok ? "" : result.code;
}

Deno.test("parseClientFrame() accepts a message and trims its content", () => {
  const result = parseClientFrame(
    JSON.stringify({
      type: "message",
      content: "  hello  ",
      clientId: "a-1_B",
    }),
  );
  assert.deepEqual(result, {
    ok: true,
    frame: { type: "message", content: "hello", clientId: "a-1_B" },
  });
});

Deno.test("parseClientFrame() accepts typing and strips unknown keys", () => {
  const result = parseClientFrame(`{"type":"typing","extra":1}`);
  assert.deepEqual(result, { ok: true, frame: { type: "typing" } });
});

Deno.test("parseClientFrame() refuses malformed JSON and non-objects", () => {
  assert.equal(errorCode("{nope"), "invalid_json");
  assert.equal(errorCode(""), "invalid_json");
  assert.equal(errorCode("null"), "invalid_frame");
  assert.equal(errorCode("[1]"), "invalid_frame");
  assert.equal(errorCode(`"message"`), "invalid_frame");
  assert.equal(errorCode(`{"content":"hi"}`), "invalid_frame");
});

Deno.test("parseClientFrame() refuses an unknown type, quoting it", () => {
  const result = parseClientFrame(`{"type":"__proto__"}`);
  assert.deepEqual(result, {
    ok: false,
    code: "unknown_frame_type",
    detail: `Unknown frame type "__proto__"`,
  });
  assert.equal(errorCode(`{"type":"toString"}`), "unknown_frame_type");
});

Deno.test("parseClientFrame() refuses bad content with a clear detail", () => {
  const cases: [unknown, string][] = [
    [undefined, `content: Content is required`],
    [42, `content: Content must be a string`],
    ["   \n\t ", `content: Content must not be empty`],
    [
      "x".repeat(MAX_CONTENT_LENGTH + 1),
      `content: Content must be at most ${MAX_CONTENT_LENGTH} characters`,
    ],
  ];
  for (const [content, detail] of cases) {
    const result = parseClientFrame(
      JSON.stringify({ type: "message", content, clientId: "c1" }),
    );
    assert.deepEqual(result, {
      ok: false,
      code: "validation_failed",
      detail,
      clientId: "c1",
    });
  }
  const longest = parseClientFrame(
    JSON.stringify({
      type: "message",
      content: "x".repeat(MAX_CONTENT_LENGTH),
      clientId: "c1",
    }),
  );
  assert.equal(longest.ok, true);
});

Deno.test("parseClientFrame() refuses a missing or unsafe clientId", () => {
  for (const clientId of [undefined, "", "x".repeat(65), "a b", "a/b", 7]) {
    const result = parseClientFrame(
      JSON.stringify({ type: "message", content: "hi", clientId }),
    );
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.detail, /^clientId: /);
  }
  const max = parseClientFrame(
    JSON.stringify({
      type: "message",
      content: "hi",
      clientId: "x".repeat(64),
    }),
  );
  assert.equal(max.ok, true);
});

Deno.test("parseClientFrame() refuses frames over MAX_FRAME_BYTES", () => {
  // Under the limit in UTF-16 units, over it in UTF-8 bytes.
  const text = JSON.stringify({ type: "typing", pad: "é".repeat(9000) });
  assert.ok(text.length < MAX_FRAME_BYTES);
  assert.equal(errorCode(text), "frame_too_large");
});

Deno.test("parseClientFrame() never throws on arbitrary input", () => {
  const samples = [
    "\u0000",
    "{}",
    `{"type":null}`,
    `{"type":"message","content":{"toString":1},"clientId":"a"}`,
    "1e999",
    "\ud800",
    `{"type":"message","content":"\\ud800","clientId":"a"}`,
  ];
  for (let i = 0; i < 200; i++) {
    samples.push(
      String.fromCharCode(
        ...crypto.getRandomValues(new Uint16Array(1 + (i % 40))),
      ),
    );
  }
  for (const sample of samples) {
    const result = parseClientFrame(sample);
    assert.equal(typeof result.ok, "boolean");
  }
});

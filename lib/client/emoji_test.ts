import assert from "node:assert/strict";
import { type EmojiRow, emojiSuggestions } from "./emoji.ts";

const rows: EmojiRow[] = [
  ["😀", "grinning"],
  ["❤️", "heart"],
  ["😍", "heart_eyes"],
  ["💔", "broken_heart"],
  ["👍", "+1", "thumbsup"],
  ["🐈", "cat2"],
  ["🧑‍🍳", "cook"],
];

Deno.test("emojiSuggestions() ranks shortcode starts, then word starts, then anything containing", () => {
  assert.deepEqual(
    emojiSuggestions(rows, "heart").map((s) => s.detail),
    [":heart:", ":heart_eyes:", ":broken_heart:"],
  );
  assert.deepEqual(emojiSuggestions(rows, "THUMB")[0], {
    key: "thumbsup",
    label: "👍",
    detail: ":thumbsup:",
    insert: "👍",
  });
  assert.deepEqual(emojiSuggestions(rows, "+1").map((s) => s.insert), ["👍"]);
  assert.deepEqual(emojiSuggestions(rows, "at").map((s) => s.label), ["🐈"]);
  assert.deepEqual(emojiSuggestions(rows, "zzz"), []);
});

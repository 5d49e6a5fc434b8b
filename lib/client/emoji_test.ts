import assert from "node:assert/strict";
import { type EmojiRow, emojiSuggestions, searchEmoji } from "./emoji.ts";

const rows: EmojiRow[] = [
  ["😀", 0, "grinning face", "grinning"],
  ["❤️", 0, "red heart", "heart"],
  ["😍", 0, "smiling face with heart-eyes", "heart_eyes"],
  ["💔", 0, "broken heart", "broken_heart"],
  ["👍", 1, "thumbs up", "+1", "thumbsup"],
  ["🐈", 3, "cat", "cat2"],
  ["🧑‍🍳", 1, "cook", "cook"],
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
  // Names are for the picker: "face" is in no shortcode here.
  assert.deepEqual(emojiSuggestions(rows, "face"), []);
});

Deno.test("searchEmoji() matches names and shortcodes, word starts before the rest", () => {
  assert.deepEqual(searchEmoji(rows, "heart").map((r) => r[0]), [
    "❤️",
    "😍",
    "💔",
  ]);
  assert.deepEqual(searchEmoji(rows, "Thumbs U").map((r) => r[0]), ["👍"]);
  assert.deepEqual(searchEmoji(rows, "face").map((r) => r[0]), ["😀", "😍"]);
  assert.deepEqual(searchEmoji(rows, "+1").map((r) => r[0]), ["👍"]);
  assert.deepEqual(searchEmoji(rows, "  "), []);
  assert.deepEqual(searchEmoji(rows, "zzz"), []);
});

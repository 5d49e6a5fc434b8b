import assert from "node:assert/strict";
import { emojiAssetText, emojiIndex } from "./emoji_asset.ts";

Deno.test("emojiIndex() lists emoji with shortcodes in order, skipping the rest", () => {
  const rows = emojiIndex(
    [
      { hexcode: "1F525", unicode: "🔥", order: 2 },
      { hexcode: "1F44D", unicode: "👍", order: 1 },
      { hexcode: "1F1E6", unicode: "🇦" },
      { hexcode: "1F600", unicode: "😀", order: 3 },
    ],
    { "1F525": "fire", "1F44D": ["+1", "thumbsup"], "1F1E6": "a" },
  );
  assert.deepEqual(rows, [["👍", "+1", "thumbsup"], ["🔥", "fire"]]);
});

Deno.test("emojiAssetText() holds the familiar shortcodes, compactly", () => {
  const text = emojiAssetText();
  const rows: string[][] = JSON.parse(text);
  // Presentation selectors (U+FE0F) are kept as emojibase writes them.
  const find = (code: string) =>
    rows.find((r) => r.includes(code))?.[0].replace(/\uFE0F/g, "");
  assert.equal(find("+1"), "👍");
  assert.equal(find("fire"), "🔥");
  assert.equal(find("heart"), "\u2764");
  assert.equal(find("tada"), "🎉");
  assert.ok(rows.length > 1500, `${rows.length} emoji`);
  assert.ok(text.length < 60_000, `${text.length} characters`);
});

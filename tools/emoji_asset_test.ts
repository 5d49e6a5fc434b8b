import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { QUICK_EMOJI } from "../components/MessageMenu.tsx";
import type { EmojiData } from "../lib/client/emoji.ts";
import { canonicalEmoji } from "../lib/shared/emoji.ts";
import { emojiAssetText, emojiIndex } from "./emoji_asset.ts";

Deno.test("emojiIndex() lists emoji with shortcodes in order, in their stored spelling, skipping the rest", () => {
  const rows = emojiIndex(
    [
      { hexcode: "1F525", unicode: "🔥", label: "fire", group: 5, order: 2 },
      {
        hexcode: "1F44D",
        unicode: "👍\uFE0F",
        label: "thumbs up",
        group: 1,
        order: 1,
      },
      { hexcode: "1F1E6", unicode: "🇦", label: "regional indicator A" },
      { hexcode: "1F600", unicode: "😀", label: "grinning", order: 3 },
    ],
    { "1F525": "fire", "1F44D": ["+1", "thumbsup"], "1F1E6": "a" },
  );
  assert.deepEqual(rows, [
    ["👍", 1, "thumbs up", "+1", "thumbsup"],
    ["🔥", 5, "fire", "fire"],
  ]);
});

Deno.test("emojiAssetText() holds the familiar emoji, canonical and compact", () => {
  const text = emojiAssetText();
  const data: EmojiData = JSON.parse(text);
  const find = (code: string) =>
    data.emoji.find(([, , , ...codes]) => codes.includes(code));
  assert.deepEqual(find("+1")?.slice(0, 3), ["👍", 1, "thumbs up"]);
  assert.equal(find("fire")?.[0], "🔥");
  assert.equal(find("heart")?.[0], "\u2764\uFE0F");
  assert.equal(find("tada")?.[0], "🎉");
  assert.equal(data.groups[find("tada")![1]], "activities");
  for (const [emoji] of data.emoji) assert.equal(canonicalEmoji(emoji), emoji);
  // The picker's quick row is the same spelling as the list and the server.
  for (const emoji of QUICK_EMOJI) {
    assert.equal(canonicalEmoji(emoji), emoji);
    assert.ok(data.emoji.some((row) => row[0] === emoji), emoji);
  }
  assert.ok(data.emoji.length > 1500, `${data.emoji.length} emoji`);
  const gzipped = gzipSync(text).byteLength;
  assert.ok(gzipped < 30_000, `${gzipped} bytes gzipped`);
});

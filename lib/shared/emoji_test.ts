import assert from "node:assert/strict";
import compact from "emojibase-data/en/compact.json" with { type: "json" };
import { canonicalEmoji, isSingleEmoji } from "./emoji.ts";
import { emojiSchema } from "./fields.ts";

const RGI = /^\p{RGI_Emoji}$/v;

Deno.test("canonicalEmoji() spells an emoji one way, with or without U+FE0F", () => {
  const cases: [string, string][] = [
    ["👍\uFE0F", "👍"], // emojibase's spelling of thumbs up
    ["👍", "👍"],
    ["❤", "❤\uFE0F"],
    ["❤\uFE0F", "❤\uFE0F"],
    ["❤\uFE0F\uFE0F", "❤\uFE0F"],
    ["1\u20E3", "1\uFE0F\u20E3"], // keycap
    ["☝🏻", "☝🏻"], // a skin tone makes it an emoji: no selector between
    ["☝\uFE0F🏻", "☝🏻"],
    ["🏳\u200D🌈", "🏳\uFE0F\u200D🌈"],
    ["👁\u200D🗨", "👁\uFE0F\u200D🗨\uFE0F"],
    ["🇫🇷", "🇫🇷"],
    ["❤\uFE0E", "❤\uFE0E"], // asks for text: left alone (and refused)
    ["a", "a"],
    [" 👍", " 👍"],
  ];
  for (const [given, expected] of cases) {
    assert.equal(canonicalEmoji(given), expected, JSON.stringify(given));
  }
});

Deno.test("canonicalEmoji() gives every emojibase emoji, skin tones too, one accepted spelling", () => {
  let checked = 0;
  for (const base of compact) {
    for (const { unicode } of [base, ...(base.skins ?? [])]) {
      // Lone regional indicators are letters for flags, never an emoji alone.
      if (/^[\u{1F1E6}-\u{1F1FF}]$/u.test(unicode)) continue;
      const canonical = canonicalEmoji(unicode);
      assert.equal(canonicalEmoji(unicode.replaceAll("\uFE0F", "")), canonical);
      assert.equal(canonicalEmoji(canonical), canonical, "idempotent");
      assert.ok(isSingleEmoji(canonical), unicode);
      checked++;
    }
  }
  assert.ok(checked > 3500, `${checked} emoji`);
});

Deno.test("canonicalEmoji() leaves every RGI emoji this engine knows as it is", () => {
  // An RGI sequence is fully qualified by definition: the form is Unicode's own.
  for (const base of compact) {
    for (const { unicode } of [base, ...(base.skins ?? [])]) {
      const canonical = canonicalEmoji(unicode);
      if (RGI.test(unicode)) assert.equal(canonical, unicode);
      const stripped = unicode.replaceAll("\uFE0F", "");
      if (RGI.test(canonical) || RGI.test(stripped)) {
        assert.ok(RGI.test(canonical), `${unicode} has an RGI form`);
      }
    }
  }
});

Deno.test("emojiSchema stores the canonical spelling and refuses what is not one emoji", () => {
  assert.equal(emojiSchema.parse("👍\uFE0F"), "👍");
  assert.equal(emojiSchema.parse("❤"), "❤\uFE0F");
  for (const bad of ["a", "1", "👍👍", " 👍", "❤\uFE0E", "👍".repeat(40)]) {
    assert.equal(emojiSchema.safeParse(bad).success, false, bad);
  }
});

/**
 * What counts as one emoji, decided by the platform rather than a table:
 * `Intl.Segmenter` finds the grapheme clusters, and the RGI emoji property of
 * the `v`-flag regex (Unicode's recommended-for-interchange set: flags,
 * keycaps, skin tones, ZWJ families) says whether the one cluster is an emoji.
 * Browser-safe, so the composer's picker and the server agree.
 */
import { MAX_EMOJI_LENGTH } from "./limits.ts";

// Anchored whole-string match of a single RGI emoji (sequences included).
const RGI_EMOJI = /^\p{RGI_Emoji}$/v;
// Older or newer emoji an engine's RGI list lacks: one pictographic base,
// optionally with a variation selector, skin tone or ZWJ-joined parts.
const PICTOGRAPH =
  /^\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)*$/u;

const EMOJI_STYLE = "\uFE0F";
const TEXT_STYLE = "\uFE0E";
// A character that is an emoji but shows as text unless U+FE0F follows (❤, ☺, 1 of 1️⃣).
const TEXT_BY_DEFAULT = /^(?=\p{Emoji})\P{Emoji_Presentation}$/u;
const SKIN_TONE = /^\p{Emoji_Modifier}$/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Whether `text` is exactly one emoji (one grapheme cluster that is an emoji), nothing around it. */
export function isSingleEmoji(text: string): boolean {
  if (text.length === 0 || text.length > MAX_EMOJI_LENGTH) return false;
  if (!text.isWellFormed()) return false;
  const clusters = graphemes.segment(text)[Symbol.iterator]();
  const first = clusters.next();
  if (first.done || !clusters.next().done) return false;
  return RGI_EMOJI.test(text) || PICTOGRAPH.test(text);
}

/**
 * The one spelling an emoji is stored and compared under: Unicode's
 * fully-qualified form, with U+FE0F after each character that would show as
 * text without it (unless a skin tone follows, which makes it an emoji) and
 * nowhere else. So `👍️` (emojibase's spelling) is `👍`, and `❤` is `❤️`,
 * whichever way a client wrote them. An RGI emoji is already in this form;
 * anything else keeps its other characters as they are (U+FE0E included),
 * and what is not one emoji stays not one emoji.
 */
export function canonicalEmoji(text: string): string {
  if (text.length > MAX_EMOJI_LENGTH || RGI_EMOJI.test(text)) return text;
  const chars = [...text.replaceAll(EMOJI_STYLE, "")];
  return chars.map((char, i) => {
    const next = chars[i + 1] ?? "";
    const styled = TEXT_BY_DEFAULT.test(char) && next !== TEXT_STYLE &&
      !SKIN_TONE.test(next);
    return styled ? char + EMOJI_STYLE : char;
  }).join("");
}

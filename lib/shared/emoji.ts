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

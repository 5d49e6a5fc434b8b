/** Measures and tests of text that the rules use, shared by server and browser. */
import { EMOJI_JOINERS, INVISIBLE_CHARS } from "./limits.ts";

/** UTF-8 length of `text`, without allocating an encoded copy. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one code point of four bytes.
      bytes += 4;
      i++;
    } else bytes += 3; // lone surrogates are sent as U+FFFD, also three bytes
  }
  return bytes;
}

/** The number of characters (code points, not UTF-16 units) in `text`. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * The length of message content as the server counts it against
 * `MAX_CONTENT_LENGTH`: code points, after line breaks become `\n` and the
 * ends are trimmed. The composer's counter uses the same measure.
 */
export function contentLength(text: string): number {
  return codePointLength(normalizeNewlines(text).trim());
}

/**
 * Whether `text` holds none of {@linkcode INVISIBLE_CHARS}, but for emoji
 * joiners and variation selectors right after a visible character.
 */
export function hasOnlyVisibleChars(text: string): boolean {
  let previousVisible = false;
  for (const char of text) {
    if (!INVISIBLE_CHARS.test(char)) {
      previousVisible = char.trim() !== "";
    } else if (!(previousVisible && EMOJI_JOINERS.test(char))) {
      return false;
    }
  }
  return true;
}

// Every invisible character, emoji joiners included, for removal.
const ALL_INVISIBLE = new RegExp(INVISIBLE_CHARS.source, "gu");

/**
 * The form in which names are compared for uniqueness: without what cannot be
 * seen (the joiners and variation selectors a name may hold after a visible
 * character included), lower-cased, composed (NFC). "general", "General",
 * "gen\u200deral" and "general\ufe0f" look alike, so they are one name.
 */
export function comparableName(name: string): string {
  return name.replace(ALL_INVISIBLE, "").toLowerCase().normalize("NFC");
}

/** Line breaks as `\n` only, so a pasted `\r\n` is not refused as a control character. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

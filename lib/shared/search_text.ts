/**
 * How search sees text, shared by the index, the query and the browser's
 * highlight: Unicode-normalized (NFKC), lower-cased, whitespace runs as one
 * space. Grams are pairs of code points, so any script (CJK, which has no
 * spaces between words, included) matches by substring.
 */

/** Fewest characters (code points, after normalizing) a search query may have. */
export const MIN_SEARCH_LENGTH = 2;
/** Most characters (code points) a search query may have. */
export const MAX_SEARCH_LENGTH = 200;

/** Results in a search page when the client names no `limit`. */
export const DEFAULT_SEARCH_PAGE = 20;
/** Largest search page; bigger limits are clamped to it. */
export const MAX_SEARCH_PAGE = 50;

/** The text as search compares it. */
export function searchText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/** The distinct bigrams (pairs of code points) of already-normalized text. */
export function bigrams(normalized: string): Set<string> {
  const chars = Array.from(normalized);
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  return grams;
}

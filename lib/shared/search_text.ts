/**
 * How search sees text, shared by the index, the query and the browser's
 * highlight: Unicode-normalized (NFKC), lower-cased, whitespace runs as one
 * space. Grams are runs of 2 and 3 code points, so any script (CJK, which
 * has no spaces between words, included) matches by substring: a query of 3
 * or more characters looks up its trigrams, which are far rarer than
 * bigrams, and a 2-character query its one bigram.
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

/** The distinct runs of `n` code points of already-normalized text. */
export function ngrams(normalized: string, n: 2 | 3): Set<string> {
  const chars = Array.from(normalized);
  const grams = new Set<string>();
  for (let i = 0; i + n <= chars.length; i++) {
    grams.add(chars.slice(i, i + n).join(""));
  }
  return grams;
}

/** The grams a message is indexed under: its bigrams and trigrams. */
export function indexGrams(normalized: string): Set<string> {
  return new Set([...ngrams(normalized, 2), ...ngrams(normalized, 3)]);
}

/** The grams a query looks up: its trigrams, or its bigram when it has 2 characters. */
export function queryGrams(normalized: string): string[] {
  const three = ngrams(normalized, 3);
  return [...(three.size > 0 ? three : ngrams(normalized, 2))];
}

/**
 * Emoji for the composer's `:shortcode:` completion and the reaction picker.
 * The list is `/emoji.json` (built by tools/emoji_asset.ts from
 * emojibase-data), fetched the first time either needs it rather than
 * shipped in the page's JavaScript.
 */
import { MAX_SUGGESTIONS, type Suggestion } from "./suggest.ts";

/** An emoji (in its stored spelling), its group, its name and its shortcodes. */
export type EmojiRow = [
  emoji: string,
  group: number,
  name: string,
  ...shortcodes: string[],
];

/** `/emoji.json`: the group names, and the emoji in Unicode's order. */
export interface EmojiData {
  groups: string[];
  emoji: EmojiRow[];
}

let loading: Promise<EmojiData> | null = null;

/** The emoji list, fetched once; a failed fetch is tried again next time. */
export function loadEmoji(): Promise<EmojiData> {
  loading ??= fetch("/emoji.json").then((response) => {
    if (!response.ok) throw new Error(`emoji list: ${response.status}`);
    return response.json() as Promise<EmojiData>;
  }).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

// 0 when `word` starts with `q`, 1 when a part of it after `_` or a space
// does, 2 when it contains `q` anywhere, -1 otherwise.
function rank(word: string, q: string): number {
  if (word.startsWith(q)) return 0;
  if (word.includes(`_${q}`) || word.includes(` ${q}`)) return 1;
  return word.includes(q) ? 2 : -1;
}

// Each row with the best-ranked of `words(row)` for `query`, best first,
// then in Unicode's order.
function ranked(
  rows: EmojiRow[],
  query: string,
  words: (row: EmojiRow) => string[],
) {
  const q = query.toLowerCase();
  const found: { rank: number; index: number; word: string; row: EmojiRow }[] =
    [];
  rows.forEach((row, index) => {
    let best: { rank: number; word: string } | null = null;
    for (const word of words(row)) {
      const r = rank(word, q);
      if (r >= 0 && (!best || r < best.rank)) best = { rank: r, word };
    }
    if (best) found.push({ ...best, index, row });
  });
  return found.sort((a, b) => a.rank - b.rank || a.index - b.index);
}

/**
 * Emoji whose shortcode starts with `query`, then those with a word of it
 * starting so (`_heart`), then any containing it; each group in Unicode's
 * order. Each inserts the emoji itself.
 */
export function emojiSuggestions(
  rows: EmojiRow[],
  query: string,
): Suggestion[] {
  return ranked(rows, query, ([, , , ...codes]) => codes)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ word, row }) => ({
      key: word,
      label: row[0],
      detail: `:${word}:`,
      insert: row[0],
    }));
}

/** The picker's search: emoji whose name or a shortcode matches `query`, best first. */
export function searchEmoji(rows: EmojiRow[], query: string): EmojiRow[] {
  const q = query.trim();
  if (!q) return [];
  return ranked(rows, q, ([, , name, ...codes]) => [name, ...codes])
    .map(({ row }) => row);
}

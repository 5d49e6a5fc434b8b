/**
 * Emoji for the composer's `:shortcode:` completion. The list is
 * `/emoji.json` (built by tools/emoji_asset.ts from emojibase-data), fetched
 * the first time a `:` trigger needs it rather than shipped in the page's
 * JavaScript.
 */
import { MAX_SUGGESTIONS, type Suggestion } from "./suggest.ts";

/** An emoji and its shortcodes, as `/emoji.json` lists them. */
export type EmojiRow = [emoji: string, ...shortcodes: string[]];

let loading: Promise<EmojiRow[]> | null = null;

/** The emoji list, fetched once; a failed fetch is tried again next time. */
export function loadEmoji(): Promise<EmojiRow[]> {
  loading ??= fetch("/emoji.json").then((response) => {
    if (!response.ok) throw new Error(`emoji list: ${response.status}`);
    return response.json() as Promise<EmojiRow[]>;
  }).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
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
  const q = query.toLowerCase();
  const found: { rank: number; index: number; code: string; emoji: string }[] =
    [];
  rows.forEach(([emoji, ...codes], index) => {
    let best: { rank: number; code: string } | null = null;
    for (const code of codes) {
      const rank = code.startsWith(q)
        ? 0
        : code.includes(`_${q}`)
        ? 1
        : code.includes(q)
        ? 2
        : -1;
      if (rank >= 0 && (!best || rank < best.rank)) best = { rank, code };
    }
    if (best) found.push({ ...best, index, emoji });
  });
  return found
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .slice(0, MAX_SUGGESTIONS)
    .map(({ code, emoji }) => ({
      key: code,
      label: emoji,
      detail: `:${code}:`,
      insert: emoji,
    }));
}

/**
 * Builds `static/emoji.json`, the emoji list the composer's `:shortcode:`
 * completion fetches the first time it is needed (so none of it weighs on the
 * page's own JavaScript). It comes from emojibase-data: the emoji in
 * Unicode's order, each with its GitHub-style shortcodes (`+1`, `fire`,
 * `heart`), as `[["👍", "+1", "thumbsup"], ...]`; skin tones and emoji
 * without a shortcode are left out.
 */
import compact from "emojibase-data/en/compact.json" with { type: "json" };
import github from "emojibase-data/en/shortcodes/github.json" with {
  type: "json",
};

/** One emoji of emojibase's compact list, as far as the index reads it. */
export interface CompactEmoji {
  hexcode: string;
  unicode: string;
  order?: number;
}

/** Shortcodes by hexcode: one or several. */
export type Shortcodes = Record<string, string | string[]>;

/** The index rows: each emoji followed by its shortcodes, in Unicode's order. */
export function emojiIndex(
  emoji: CompactEmoji[],
  shortcodes: Shortcodes,
): string[][] {
  return emoji
    .filter((e) => e.order !== undefined && shortcodes[e.hexcode])
    .sort((a, b) => a.order! - b.order!)
    .map((e) => [e.unicode, ...[shortcodes[e.hexcode]].flat()]);
}

/** The text of `static/emoji.json`. */
export function emojiAssetText(): string {
  return JSON.stringify(emojiIndex(compact as CompactEmoji[], github)) + "\n";
}

/**
 * Writes `static/emoji.json` under `root` when its content changed, by a
 * rename so a server starting meanwhile never reads half a file.
 */
export async function writeEmojiAsset(root: URL): Promise<void> {
  const target = new URL("static/emoji.json", root);
  const text = emojiAssetText();
  const previous = await Deno.readTextFile(target).catch(() => "");
  if (previous === text) return;
  const staging = new URL(`static/.emoji-${crypto.randomUUID()}.json`, root);
  await Deno.writeTextFile(staging, text);
  await Deno.rename(staging, target);
}

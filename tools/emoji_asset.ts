/**
 * Builds `static/emoji.json`, the emoji list that the composer's
 * `:shortcode:` completion and the reaction picker fetch the first time they
 * are needed (so none of it weighs on the page's own JavaScript). It comes
 * from emojibase-data: the emoji in Unicode's order, each with its group, its
 * name and its GitHub-style shortcodes (`+1`, `fire`, `heart`), as
 * `{"groups": ["smileys & emotion", ...], "emoji": [["👍", 1, "thumbs up",
 * "+1", "thumbsup"], ...]}`. Each emoji is in the spelling reactions are
 * stored under (`canonicalEmoji`), so a picked one matches its chip; skin
 * tones and emoji without a shortcode are left out.
 */
import compact from "emojibase-data/en/compact.json" with { type: "json" };
import messages from "emojibase-data/en/messages.json" with { type: "json" };
import github from "emojibase-data/en/shortcodes/github.json" with {
  type: "json",
};
import { canonicalEmoji, isSingleEmoji } from "../lib/shared/emoji.ts";
import type { EmojiData, EmojiRow } from "../lib/client/emoji.ts";

/** One emoji of emojibase's compact list, as far as the index reads it. */
export interface CompactEmoji {
  hexcode: string;
  unicode: string;
  label: string;
  group?: number;
  order?: number;
}

/** Shortcodes by hexcode: one or several. */
export type Shortcodes = Record<string, string | string[]>;

/** The index rows: each emoji with its group, name and shortcodes, in Unicode's order. */
export function emojiIndex(
  emoji: CompactEmoji[],
  shortcodes: Shortcodes,
): EmojiRow[] {
  return emoji
    .filter((e) =>
      e.order !== undefined && e.group !== undefined &&
      shortcodes[e.hexcode] && isSingleEmoji(canonicalEmoji(e.unicode))
    )
    .sort((a, b) => a.order! - b.order!)
    .map((e) => [
      canonicalEmoji(e.unicode),
      e.group!,
      e.label,
      ...[shortcodes[e.hexcode]].flat(),
    ]);
}

/** The text of `static/emoji.json`. */
export function emojiAssetText(): string {
  const data: EmojiData = {
    groups: messages.groups.toSorted((a, b) => a.order - b.order)
      .map((g) => g.message),
    emoji: emojiIndex(compact as CompactEmoji[], github),
  };
  return JSON.stringify(data) + "\n";
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

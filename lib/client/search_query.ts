/** The search box's syntax: words, plus `from:name`, `in:channel` and `has:file` filters. */
import { searchText } from "../shared/search_text.ts";

/** A search box's text taken apart. */
export interface ParsedSearch {
  /** The words to find, filters removed. */
  text: string;
  from?: string;
  /** A channel name, with or without its `#`. */
  in?: string;
  hasFile: boolean;
}

const FILTER = /(^|\s)(from|in|has):(\S+)/giu;

/** Splits the filters out of what was typed; unknown `has:` values stay as words. */
export function parseSearch(typed: string): ParsedSearch {
  const parsed: ParsedSearch = { text: "", hasFile: false };
  const text = typed.replace(FILTER, (whole, space, key, value: string) => {
    const name = key.toLowerCase();
    if (name === "from") parsed.from = value.replace(/^@/, "");
    else if (name === "in") parsed.in = value.replace(/^#/, "");
    else if (value.toLowerCase() === "file") parsed.hasFile = true;
    else return whole;
    return space;
  });
  parsed.text = text.replace(/\s+/g, " ").trim();
  return parsed;
}

/**
 * `content` cut into the parts before, at and after each match of `query`
 * (as search compares text), for highlighting. Falls back to no match when
 * normalizing changed the text's length (ligatures, width forms).
 */
export function matchParts(
  content: string,
  query: string,
): { text: string; match: boolean }[] {
  const needle = searchText(query);
  const hay = content.toLowerCase();
  if (needle === "" || hay.length !== content.length) {
    return [{ text: content, match: false }];
  }
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, at)) {
    if (i > at) parts.push({ text: content.slice(at, i), match: false });
    parts.push({ text: content.slice(i, i + needle.length), match: true });
    at = i + needle.length;
  }
  if (at < content.length) {
    parts.push({ text: content.slice(at), match: false });
  }
  return parts;
}

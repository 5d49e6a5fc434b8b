/**
 * Hearth's rules for links in message text: only web addresses (http, https,
 * and bare www. hosts) become links, and a link never takes the sentence
 * punctuation around it. The Markdown reader (markdown.ts) uses these for bare
 * addresses and for the targets of `[text](address)` links alike.
 */

/** A link found in text: the characters it covers and the address it opens. */
export interface FoundLink {
  text: string;
  href: string;
}

// An http(s) URL or a bare www. host at the start, up to whitespace or an angle bracket.
const URL_AT_START = /^(?:https?:\/\/|www\.)[^\s<>"]+/i;
// Sentence punctuation that usually ends a link's surrounding text, not the link.
const TRAILING = /[.,:;!?'"\u2019\u201d]+$/;

/** The web address at the very start of `text`, if there is one. */
export function linkAt(text: string): FoundLink | null {
  const match = URL_AT_START.exec(text);
  if (!match) return null;
  const url = trimUrl(match[0]);
  if (!url || url.toLowerCase() === "www.") return null;
  const href = url.toLowerCase().startsWith("www.") ? `https://${url}` : url;
  return { text: url, href };
}

/** The first web address anywhere in `text`, if there is one. */
export function findLink(text: string): FoundLink | null {
  for (const match of text.matchAll(/\b(?:https?:\/\/|www\.)/gi)) {
    const link = linkAt(text.slice(match.index));
    if (link) return link;
  }
  return null;
}

/**
 * The address to put in an `href`, or null when `href` is not an http(s) URL:
 * `javascript:`, `data:` and every other scheme stay text. The URL parser
 * decides the scheme (it drops the tabs and leading spaces that could hide
 * one), and its normalized form is what the browser is given.
 */
export function safeHref(href: string): string | null {
  const candidate = /^www\./i.test(href.trim()) ? `https://${href}` : href;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:"
    ? url.href
    : null;
}

// Drops trailing punctuation and a closing bracket that has no opening partner.
function trimUrl(url: string): string {
  let out = url.replace(TRAILING, "");
  while (out.endsWith(")") && count(out, "(") < count(out, ")")) {
    out = out.slice(0, -1).replace(TRAILING, "");
  }
  return out;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

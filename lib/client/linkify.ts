/** Splits message text into plain runs and web links; nothing is ever parsed as HTML. */

/** A run of message text: plain, or a link with the address to open. */
export type TextPart =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string };

// http(s) URLs and bare www. hosts, up to whitespace or an angle bracket.
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
// Sentence punctuation that usually ends a link's surrounding text, not the link.
const TRAILING = /[.,:;!?'"\u2019\u201d]+$/;

/** Finds links in `text`; everything else stays text, in order. */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const start = match.index!;
    url = trimUrl(url);
    if (start > last) {
      parts.push({ kind: "text", text: text.slice(last, start) });
    }
    const href = url.toLowerCase().startsWith("www.") ? `https://${url}` : url;
    parts.push({ kind: "link", text: url, href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
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

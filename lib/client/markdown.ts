/**
 * Reads message text as Hearth's Markdown subset, with marked's lexer: bold,
 * italic, strikethrough (`~~`), inline code, fenced code blocks, block quotes,
 * lists, links and spoilers (`||text||`). The result is marked's token tree,
 * never HTML: components/RichText.tsx turns it into elements, and any token
 * it does not know stays the text it was typed as.
 *
 * Raw HTML, headings, rules, tables, images, reference definitions and
 * indented code are switched off here, so `<b>`, `# note` or `    x` read as
 * what they are in a chat: text.
 */
import { Marked, type Token, type TokenizerExtension } from "marked";
import { linkAt } from "./linkify.ts";

export type { Token, Tokens } from "marked";

/** The token of a spoiler: inline content hidden until the reader reveals it. */
export interface SpoilerToken {
  type: "spoiler";
  raw: string;
  tokens: Token[];
}

const SPOILER = /^\|\|([\s\S]+?)\|\|/;

const spoiler: TokenizerExtension = {
  name: "spoiler",
  level: "inline",
  start: (src) => {
    const at = src.indexOf("||");
    return at < 0 ? undefined : at;
  },
  tokenizer(src) {
    const match = SPOILER.exec(src);
    if (!match || !match[1].trim()) return undefined;
    const token: SpoilerToken = {
      type: "spoiler",
      raw: match[0],
      tokens: this.lexer.inlineTokens(match[1]),
    };
    return token;
  },
};

// A tokenizer that answers undefined turns that syntax off (the text stays
// text); one that answers false lets marked's own run.
const off = () => undefined;

const marked = new Marked({ gfm: true, breaks: true }).use({
  extensions: [spoiler],
  tokenizer: {
    html: off,
    tag: off,
    heading: off,
    lheading: off,
    hr: off,
    table: off,
    def: off,
    code: off,
    // Only `~~double~~` strikes through: a lone `~` usually means "about".
    del: (src) => src.startsWith("~~") ? false : undefined,
    // Bare addresses follow Hearth's link rules, not GFM's (no e-mail links).
    url(src) {
      const link = linkAt(src);
      if (!link) return undefined;
      const text = { type: "text" as const, raw: link.text, text: link.text };
      return { type: "link", raw: link.text, ...link, tokens: [text] };
    },
    // Text is kept as typed: marked would decode `&#60;` to `<`, where a
    // chat shows what was written.
    inlineText(src) {
      const match = this.rules.inline.text.exec(src);
      if (!match) return undefined;
      return { type: "text", raw: match[0], text: match[0], escaped: false };
    },
  },
});

/** Deepest nesting of quotes, lists and emphasis shown as such; deeper is text. */
export const MAX_NESTING = 16;

/**
 * The tokens of `text` read as Hearth's Markdown subset. Whatever the text,
 * this answers: nesting past {@linkcode MAX_NESTING} levels is kept as typed,
 * and text the lexer cannot take (a `> > > …` deep enough to exhaust its
 * stack) is one plain paragraph.
 */
export function parseMarkdown(text: string): Token[] {
  let tokens: Token[];
  try {
    tokens = marked.lexer(text);
  } catch {
    return [{ type: "paragraph", raw: text, text, tokens: [plain(text)] }];
  }
  return tokens.map((token) => flatten(token, 0));
}

function plain(raw: string): Token {
  return { type: "text", raw, text: raw };
}

// Replaces every token nested deeper than MAX_NESTING by its source text.
function flatten(token: Token, depth: number): Token {
  if (depth >= MAX_NESTING) return plain(token.raw);
  const nested = token as { tokens?: Token[]; items?: Token[] };
  if (nested.tokens) {
    nested.tokens = nested.tokens.map((t) => flatten(t, depth + 1));
  }
  if (nested.items) nested.items = nested.items.map((t) => flatten(t, depth));
  return token;
}

import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { findLink, safeHref } from "../lib/client/linkify.ts";
import {
  parseMarkdown,
  type SpoilerToken,
  type Token,
  type Tokens,
} from "../lib/client/markdown.ts";

/**
 * Message text with its formatting (see lib/client/markdown.ts), rendered by
 * the server and in the island alike. Every piece becomes an element or a
 * text node of Hearth's choosing: nothing the author wrote is ever HTML, and a
 * token this renderer does not know shows as the text it was typed as.
 */
export function RichText({ text }: { text: string }) {
  // The log re-renders every row when a message arrives; read each text once.
  const tokens = useMemo(() => parseMarkdown(text), [text]);
  return <>{render(tokens)}</>;
}

function render(tokens: Token[] | undefined): ComponentChildren {
  return tokens?.map(node);
}

function node(token: Token, key: number): ComponentChildren {
  switch (token.type) {
    case "paragraph":
      return <p key={key}>{render(token.tokens)}</p>;
    case "text":
      // Block text (a tight list item's) carries inline tokens of its own.
      return "tokens" in token && token.tokens
        ? render(token.tokens)
        : token.text;
    case "escape":
      return token.text;
    case "space":
      return null;
    case "strong":
      return <strong key={key}>{render(token.tokens)}</strong>;
    case "em":
      return <em key={key}>{render(token.tokens)}</em>;
    case "del":
      return <del key={key}>{render(token.tokens)}</del>;
    case "br":
      // A newline in the pre-wrapped text rather than <br>: the element's
      // text stays the message's text, for copying and for assistive tools.
      return "\n";
    case "codespan":
      return <code key={key}>{token.text}</code>;
    case "code":
      return <CodeBlock key={key} token={token as Tokens.Code} />;
    case "blockquote":
      return <blockquote key={key}>{render(token.tokens)}</blockquote>;
    case "list":
      return <List key={key} token={token as Tokens.List} />;
    case "link":
      return <Link key={key} token={token as Tokens.Link} />;
    case "spoiler":
      return (
        <Spoiler key={key}>{render((token as SpoilerToken).tokens)}</Spoiler>
      );
    default:
      // Images, task boxes and anything else: the characters as typed.
      return token.raw;
  }
}

function CodeBlock({ token }: { token: Tokens.Code }) {
  // Focusable so a keyboard can scroll a long line sideways.
  return (
    <pre class="md-code" tabIndex={0} data-lang={token.lang || undefined}>
      <code>{token.text}</code>
    </pre>
  );
}

function List({ token }: { token: Tokens.List }) {
  const items = token.items.map((item, i) => (
    <li key={i}>{render(item.tokens)}</li>
  ));
  return token.ordered
    ? (
      <ol
        start={token.start === "" || token.start === 1
          ? undefined
          : token.start}
      >
        {items}
      </ol>
    )
    : <ul>{items}</ul>;
}

function Link({ token }: { token: Tokens.Link }) {
  const href = safeHref(token.href);
  // A label holding another address would hide where the link goes: such a
  // link shows its source instead.
  const shown = findLink(token.text);
  if (!href || (shown && safeHref(shown.href) !== href)) {
    return <>{token.raw}</>;
  }
  const label = withoutSpoilers(token.tokens);
  const link = (
    <a
      href={href}
      title={shown ? undefined : href}
      target="_blank"
      rel="noopener noreferrer nofollow"
    >
      {render(label)}
    </a>
  );
  // A spoiler in a label hides the whole link: a button inside a link would
  // be two controls in one.
  return label === token.tokens ? link : <Spoiler>{link}</Spoiler>;
}

// The tokens with every spoiler replaced by its content; the same array when
// there was none.
function withoutSpoilers(tokens: Token[]): Token[] {
  let changed = false;
  const out = tokens.flatMap((token): Token[] => {
    if (token.type === "spoiler") {
      changed = true;
      return withoutSpoilers((token as SpoilerToken).tokens);
    }
    const nested = (token as { tokens?: Token[] }).tokens;
    if (!nested) return [token];
    const inner = withoutSpoilers(nested);
    if (inner === nested) return [token];
    changed = true;
    return [{ ...token, tokens: inner } as Token];
  });
  return changed ? out : tokens;
}

/**
 * Hidden text, shown on a click or with Enter or Space. Until then it is a
 * button to assistive technology and its content is inert (no focus, no
 * reading, no clicks on links inside).
 */
function Spoiler({ children }: { children: ComponentChildren }) {
  const [shown, setShown] = useState(false);
  if (shown) return <span class="spoiler spoiler-shown">{children}</span>;
  return (
    <span
      class="spoiler"
      role="button"
      tabIndex={0}
      aria-label="Spoiler, press to reveal"
      onClick={() => setShown(true)}
      onKeyDown={(event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        setShown(true);
      }}
    >
      <span inert>{children}</span>
    </span>
  );
}

import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { MAX_NESTING } from "../lib/client/markdown.ts";
import { RichText } from "./RichText.tsx";

const html = (text: string) => renderToString(<RichText text={text} />);
const LINK = 'target="_blank" rel="noopener noreferrer nofollow"';

Deno.test("RichText renders bold, italic, strikethrough and inline code", () => {
  assert.equal(
    html("**b** *i* _j_ ~~s~~ `c`"),
    "<p><strong>b</strong> <em>i</em> <em>j</em> <del>s</del> <code>c</code></p>",
  );
  // A lone tilde means "about", not strikethrough.
  assert.equal(html("~5 min ~10 min"), "<p>~5 min ~10 min</p>");
});

Deno.test("RichText keeps line breaks and splits paragraphs on blank lines", () => {
  assert.equal(html("one\ntwo\n\nthree"), "<p>one\ntwo</p><p>three</p>");
});

Deno.test("RichText renders a fenced code block as preformatted, scrollable code", () => {
  assert.equal(
    html("look:\n```ts\nconst x = 1;\n  <b>x</b>\n```\nafter"),
    '<p>look:</p><pre class="md-code" tabindex="0" data-lang="ts"><code>const x = 1;\n  &lt;b>x&lt;/b></code></pre><p>after</p>',
  );
});

Deno.test("RichText renders block quotes and lists", () => {
  assert.equal(
    html("> quoted\n> still"),
    "<blockquote><p>quoted\nstill</p></blockquote>",
  );
  assert.equal(
    html("- a\n- **b**\n\n3. c\n4. d"),
    '<ul><li>a</li><li><strong>b</strong></li></ul><ol start="3"><li>c</li><li>d</li></ol>',
  );
});

Deno.test("RichText hides a spoiler behind a button, its content inert", () => {
  assert.equal(
    html("the end: ||it was **him**||"),
    '<p>the end: <span class="spoiler" role="button" tabindex="0" aria-label="Spoiler, press to reveal"><span inert>it was <strong>him</strong></span></span></p>',
  );
  assert.equal(html("a || b"), "<p>a || b</p>");
  // In a link's label, the spoiler hides the whole link: no button in a link.
  assert.equal(
    html("[the **||answer||**](https://a.example)"),
    `<p><span class="spoiler" role="button" tabindex="0" aria-label="Spoiler, press to reveal"><span inert><a href="https://a.example/" title="https://a.example/" ${LINK}>the <strong>answer</strong></a></span></span></p>`,
  );
});

Deno.test("RichText links bare web addresses by Hearth's rules", () => {
  assert.equal(
    html("(see https://a.example/x_y_z). www.b.example"),
    `<p>(see <a href="https://a.example/x_y_z" ${LINK}>https://a.example/x_y_z</a>). <a href="https://www.b.example/" ${LINK}>www.b.example</a></p>`,
  );
  // No e-mail links, as before.
  assert.equal(html("ada@b.example"), "<p>ada@b.example</p>");
});

Deno.test("RichText links [text](address) to http(s) only, showing the address", () => {
  assert.equal(
    html("[the docs](https://docs.example/a)"),
    `<p><a href="https://docs.example/a" title="https://docs.example/a" ${LINK}>the docs</a></p>`,
  );
  for (
    const source of [
      "[x](javascript:alert(1))",
      "[x](JaVaScRiPt:alert(1))",
      "[x](data:text/html,hi)",
      "[x](vbscript:msgbox)",
    ]
  ) {
    assert.doesNotMatch(html(source), /<a /, source);
  }
  // A label naming another address than the target stays source text.
  assert.equal(
    html("[https://bank.example](https://evil.example)"),
    "<p>[https://bank.example](https://evil.example)</p>",
  );
});

Deno.test("RichText never renders HTML: tags, handlers and entities stay text", () => {
  const payloads = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
  ];
  for (const payload of payloads) {
    const out = html(payload);
    // Text has its "<" escaped, so every "<" left opens a tag Hearth made.
    const tags = new Set([...out.matchAll(/<\/?([a-z]+)/gi)].map((m) => m[1]));
    assert.deepEqual([...tags], ["p"], payload);
  }
  // Entities show as typed, not decoded.
  assert.equal(
    html("&lt;b&gt; &amp; &#60;i&#62;"),
    "<p>&amp;lt;b&amp;gt; &amp;amp; &amp;#60;i&amp;#62;</p>",
  );
  // So do syntaxes outside the subset: headings, rules, tables, images.
  assert.equal(
    html("# not a heading\n![img](https://x.example/a.png)"),
    "<p># not a heading\n![img](https://x.example/a.png)</p>",
  );
});

Deno.test("RichText shows nesting past the limit as typed, and never throws", () => {
  const deep = "> ".repeat(MAX_NESTING + 4) + "deep";
  const out = html(deep);
  assert.equal(out.split("<blockquote>").length - 1, MAX_NESTING);
  assert.match(out, /&gt; &gt; deep|> > deep/);
  // Deep enough to exhaust the lexer's stack: one plain paragraph.
  const abyss = ">".repeat(4000);
  assert.equal(html(abyss), `<p>${">".repeat(4000)}</p>`);
});

Deno.test("RichText reads 4,000 characters of hostile markup quickly", () => {
  for (
    const text of [
      "*".repeat(4000),
      "_a".repeat(2000),
      "[a](".repeat(1000),
      "||a".repeat(1333),
      "*_~|`[(<>".repeat(444),
      "- ".repeat(2000),
    ]
  ) {
    const start = performance.now();
    html(text);
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `${text.slice(0, 12)}… took ${ms} ms`);
  }
});

import assert from "node:assert/strict";
import { findLink, linkAt, safeHref } from "./linkify.ts";

Deno.test("linkAt() finds an http, https or www address at the start", () => {
  assert.deepEqual(linkAt("https://a.example/x?y=1 and more"), {
    text: "https://a.example/x?y=1",
    href: "https://a.example/x?y=1",
  });
  assert.deepEqual(linkAt("www.b.example"), {
    text: "www.b.example",
    href: "https://www.b.example",
  });
  assert.equal(linkAt("see https://a.example"), null);
  assert.equal(linkAt("javascript:alert(1)"), null);
  assert.equal(linkAt("www."), null);
});

Deno.test("linkAt() leaves trailing punctuation and unmatched brackets outside", () => {
  assert.equal(linkAt("http://x.example/a).")?.text, "http://x.example/a");
  assert.equal(
    linkAt("http://w.example/Foo_(bar)")?.text,
    "http://w.example/Foo_(bar)",
  );
});

Deno.test("findLink() finds the first address anywhere, on a word boundary", () => {
  assert.equal(
    findLink("go to www.c.example now")?.href,
    "https://www.c.example",
  );
  assert.equal(findLink("awww.example"), null);
  assert.equal(findLink("no address"), null);
});

Deno.test("safeHref() allows http(s) only, as the URL parser reads the scheme", () => {
  assert.equal(safeHref("https://a.example"), "https://a.example/");
  assert.equal(safeHref("http://a.example/p?q"), "http://a.example/p?q");
  assert.equal(safeHref("www.a.example"), "https://www.a.example/");
  for (
    const bad of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      " javascript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:x",
      "mailto:a@b.example",
      "/relative",
      "",
    ]
  ) {
    assert.equal(safeHref(bad), null, bad);
  }
});

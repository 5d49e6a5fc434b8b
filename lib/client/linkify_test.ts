import assert from "node:assert/strict";
import { linkify } from "./linkify.ts";

Deno.test("linkify() finds http, https and www links between text", () => {
  assert.deepEqual(linkify("see https://a.example/x?y=1 and www.b.example"), [
    { kind: "text", text: "see " },
    {
      kind: "link",
      text: "https://a.example/x?y=1",
      href: "https://a.example/x?y=1",
    },
    { kind: "text", text: " and " },
    { kind: "link", text: "www.b.example", href: "https://www.b.example" },
  ]);
});

Deno.test("linkify() leaves trailing punctuation and unmatched brackets outside", () => {
  assert.deepEqual(linkify("(go to http://x.example/a)."), [
    { kind: "text", text: "(go to " },
    { kind: "link", text: "http://x.example/a", href: "http://x.example/a" },
    { kind: "text", text: ")." },
  ]);
  assert.deepEqual(linkify("http://w.example/Foo_(bar)")[0], {
    kind: "link",
    text: "http://w.example/Foo_(bar)",
    href: "http://w.example/Foo_(bar)",
  });
});

Deno.test("linkify() keeps markup as text and ignores other schemes", () => {
  assert.deepEqual(linkify("<b>hi</b> javascript:alert(1)"), [
    { kind: "text", text: "<b>hi</b> javascript:alert(1)" },
  ]);
  assert.deepEqual(linkify(""), []);
});

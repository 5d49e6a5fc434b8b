import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { type ComponentChildren, h, type VNode } from "preact";
import { useState } from "preact/hooks";
import { renderToString } from "preact-render-to-string";
import { tempProject, testApp } from "./_test_utils.ts";
import { registerIslands, withIslandMarking } from "./islands.ts";
import { renderDocument } from "./render.ts";
import { SIGNAL_TAG } from "./serialize.ts";

/** An element vnode, typed loosely enough for any tag and props. */
function el(
  type: string,
  props: Record<string, unknown> | null,
  ...children: ComponentChildren[]
): VNode {
  return h(type, props, ...children) as VNode;
}

function Counter(props: { start: number; label?: string }): VNode {
  const [count] = useState(props.start);
  return el(
    "button",
    { class: "counter" },
    `${props.label ?? "Count"} ${count}`,
  );
}

function Clock(_props: { zone: string }): VNode {
  return el("time", null, "12:00");
}

function Inner(props: { text: string }): VNode {
  return el("span", { class: "inner" }, props.text);
}

function Outer(props: { title: string }): VNode {
  return el("section", null, props.title, h(Inner, { text: "nested" }));
}

function Meter(props: { level: unknown }): VNode {
  return el("meter", null, String((props.level as { value: unknown }).value));
}

function Clicker(_props: { onClick: () => void }): VNode {
  return el("button", null, "click");
}

function Shouter(props: { text: string }): VNode {
  return el("p", null, props.text);
}

function NotAnIsland(): VNode {
  return el("p", null, "static");
}

registerIslands({
  "Counter.tsx": { default: Counter },
  "Widgets.tsx": { Clock, VERSION: "1.0" },
  "Nested.tsx": { Outer, Inner },
  "Meter.tsx": { default: Meter },
  "Clicker.tsx": { default: Clicker },
  "Shouter.tsx": { default: Shouter },
});

const SCRIPT = "/_fresh/js/client-abc.js";

/** Wraps a body in a minimal HTML document. */
function documentOf(...body: ComponentChildren[]): VNode {
  return el(
    "html",
    null,
    el("head", null, el("title", null, "Islands")),
    el("body", null, ...body),
  );
}

/** Every island boundary in `html`: its name and its decoded props. */
function islandsIn(html: string): { island: string; props: unknown }[] {
  const found = html.matchAll(
    /<hearth-island data-island="([^"]*)" data-props="([^"]*)">/g,
  );
  return Array.from(found, ([, island, props]) => ({
    island,
    props: JSON.parse(unescapeAttribute(props)),
  }));
}

function unescapeAttribute(text: string): string {
  return text.replaceAll("&quot;", '"').replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

Deno.test("renderDocument() marks an island with its name and serialised props", () => {
  const html = renderDocument(
    documentOf(h(Counter, { start: 3, label: "Votes" })),
    SCRIPT,
  );
  assert.deepEqual(islandsIn(html), [{
    island: "Counter.tsx#default",
    props: { start: 3, label: "Votes" },
  }]);
  // The island's server HTML sits inside its boundary, for hydration.
  assert.match(
    html,
    /<hearth-island [^>]*><button class="counter">Votes 3<\/button><\/hearth-island>/,
  );
});

Deno.test("renderDocument() adds the boot script to the head of a page with islands", () => {
  const html = renderDocument(documentOf(h(Counter, { start: 1 })), SCRIPT);
  assert.ok(html.startsWith("<!DOCTYPE html><html>"));
  assert.match(
    html,
    /<head><title>Islands<\/title><script type="module" src="\/_fresh\/js\/client-abc\.js"><\/script><\/head>/,
  );
  assert.equal(html.match(/<script/g)?.length, 1);
});

Deno.test("renderDocument() ships no script for a page without islands", () => {
  const html = renderDocument(documentOf(h(NotAnIsland, null)), SCRIPT);
  assert.doesNotMatch(html, /<script/);
  assert.doesNotMatch(html, /hearth-island/);
});

Deno.test("renderDocument() names an island exported under another name by that export", () => {
  const html = renderDocument(documentOf(h(Clock, { zone: "UTC" })), SCRIPT);
  assert.deepEqual(islandsIn(html), [{
    island: "Widgets.tsx#Clock",
    props: { zone: "UTC" },
  }]);
});

Deno.test("renderDocument() wraps a nested island once, inside its parent", () => {
  const html = renderDocument(
    documentOf(h(Outer, { title: "Top" }), h(Inner, { text: "alone" })),
    SCRIPT,
  );
  assert.deepEqual(islandsIn(html), [
    { island: "Nested.tsx#Outer", props: { title: "Top" } },
    { island: "Nested.tsx#Inner", props: { text: "alone" } },
  ]);
  assert.match(
    html,
    /<hearth-island data-island="Nested.tsx#Outer" [^>]*><section>Top<span class="inner">nested<\/span><\/section><\/hearth-island>/,
  );
});

Deno.test("renderDocument() serialises a signal prop with the signal tag", () => {
  const level = signal(7);
  const html = renderDocument(documentOf(h(Meter, { level })), SCRIPT);
  assert.deepEqual(islandsIn(html), [{
    island: "Meter.tsx#default",
    props: { level: { [SIGNAL_TAG]: 7 } },
  }]);
  assert.match(html, /<meter>7<\/meter>/);
});

Deno.test("renderDocument() tags signals nested in arrays and objects", () => {
  const html = renderDocument(
    documentOf(h(Meter, { level: { value: 1, list: [signal("a")] } })),
    SCRIPT,
  );
  assert.deepEqual(islandsIn(html)[0].props, {
    level: { value: 1, list: [{ [SIGNAL_TAG]: "a" }] },
  });
});

Deno.test("renderDocument() refuses a function prop with a clear error", () => {
  assert.throws(
    () => renderDocument(documentOf(h(Clicker, { onClick: () => {} })), SCRIPT),
    {
      name: "TypeError",
      message:
        'Island "Clicker.tsx#default" got prop "onClick" that cannot be serialised',
    },
  );
});

Deno.test("renderDocument() escapes props so they cannot break out of the attribute", () => {
  const text = `"><script>alert(1)</script>&amp; '`;
  const html = renderDocument(documentOf(h(Shouter, { text })), SCRIPT);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.deepEqual(islandsIn(html)[0].props, { text });
});

Deno.test("renderDocument() marks islands whose vnodes were built before rendering", () => {
  // Async pages build their vnodes before the render starts.
  const prebuilt = documentOf(h(Counter, { start: 9 }));
  const html = renderDocument(prebuilt, SCRIPT);
  assert.deepEqual(islandsIn(html), [{
    island: "Counter.tsx#default",
    props: { start: 9 },
  }]);
  assert.match(html, /<script type="module"/);
});

Deno.test("withIslandMarking() counts the top-level islands a render used", () => {
  const { result, islands } = withIslandMarking(() =>
    renderToString(
      documentOf(
        h(Counter, { start: 1 }),
        h(Outer, { title: "Top" }),
        h(NotAnIsland, null),
      ),
    )
  );
  // Outer's nested Inner hydrates with its parent, so it is not counted.
  assert.equal(islands, 2);
  assert.equal(islandsIn(result).length, 2);
  assert.equal(
    withIslandMarking(() => renderToString(h(NotAnIsland, null))).islands,
    0,
  );
});

Deno.test("App puts the boot script on pages with islands and serves the bundle", async () => {
  await using project = await tempProject({
    "_fresh/assets.json": JSON.stringify({ client: "client-abc.js" }),
    "_fresh/js/client-abc.js": "console.log('boot')",
  });
  const { fetch } = await testApp(
    project,
    {
      "_app.tsx": {
        default: ({ Component }: { Component: () => VNode }) =>
          documentOf(h(Component, null)),
      },
      "index.tsx": { default: () => h(Counter, { start: 2 }) },
      "plain.tsx": { default: () => el("p", null, "No islands here") },
    },
    () => ({}),
    { "Counter.tsx": { default: Counter } },
  );

  const res = await fetch("/");
  const html = await res.text();
  assert.match(
    html,
    /<script type="module" src="\/_fresh\/js\/client-abc\.js">/,
  );
  assert.deepEqual(islandsIn(html), [{
    island: "Counter.tsx#default",
    props: { start: 2 },
  }]);

  const plain = await fetch("/plain");
  assert.doesNotMatch(await plain.text(), /<script/);

  const bundle = await fetch("/_fresh/js/client-abc.js");
  assert.equal(bundle.status, 200);
  assert.equal(
    bundle.headers.get("content-type"),
    "text/javascript; charset=utf-8",
  );
  assert.equal(
    bundle.headers.get("cache-control"),
    "public, max-age=31536000, immutable",
  );
  assert.equal(await bundle.text(), "console.log('boot')");
});

Deno.test("App.init() asks for a build when islands exist but the bundle does not", async () => {
  await using project = await tempProject();
  await assert.rejects(
    () =>
      testApp(project, {}, () => ({}), {
        "Counter.tsx": { default: Counter },
      }),
    /The island bundle is missing: run `deno task build` first/,
  );
});

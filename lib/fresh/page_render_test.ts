/** Pages, layouts, `ctx.render()` and `ctx.redirect()`. */
import assert from "node:assert/strict";
import { createContext, h, type VNode } from "preact";
import { useContext, useState } from "preact/hooks";
import type { Manifest } from "./app.ts";
import { define, el, withApp } from "./_app_fixture.ts";

Deno.test("page() renders the page inside _layout and _app with its status and headers", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/dashboard");
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-page"), "yes");
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await res.text();
    assert.ok(html.startsWith('<!DOCTYPE html><html lang="en">'), html);
    assert.match(
      html,
      /<body[^>]*><div class="layout"><p class="page">Hello Ada\{\}<\/p><\/div><\/body>/,
    );
    assert.doesNotMatch(html, /<script/);
  });
});

Deno.test("App renders _app, layouts and pages as components, so hooks work in them", async () => {
  const Theme = createContext("light");
  const hooked: Manifest["routes"] = {
    "_app.tsx": {
      default: define.page(({ Component }) =>
        h(Theme.Provider, { value: "dark" }, h(Component, null)) as VNode
      ),
    },
    "_layout.tsx": {
      default: define.page(function Layout({ Component }) {
        const [label] = useState("layout");
        const theme = useContext(Theme);
        return el("div", { class: `${label} ${theme}` }, h(Component, null));
      }),
    },
    "index.tsx": {
      default: define.page(function Page() {
        return el("p", null, `page ${useContext(Theme)}`);
      }),
    },
  };
  await withApp(async ({ fetch }) => {
    const res = await fetch("/");
    assert.equal(res.status, 200);
    assert.equal(
      await res.text(),
      '<div class="layout dark"><p>page dark</p></div>',
    );
  }, hooked);
});

Deno.test("App awaits async pages and layouts", async () => {
  const asyncRoutes: Manifest["routes"] = {
    "_layout.tsx": {
      default: define.page(async ({ Component }) => {
        await Promise.resolve();
        return el("main", null, h(Component, null));
      }),
    },
    "users/[id].tsx": {
      default: define.page(async ({ params }) => {
        const name = await Promise.resolve(params.id.toUpperCase());
        return el("h1", null, name);
      }),
    },
  };
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/ada");
    assert.equal(await res.text(), "<main><h1>ADA</h1></main>");
  }, asyncRoutes);
});

Deno.test("ctx.render() renders a vnode inside the route's layouts and _app", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/rendered");
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("x-rendered"), "yes");
    assert.match(
      await res.text(),
      /<div class="layout"><p class="rendered">By ctx.render<\/p><\/div>/,
    );
  });
});

Deno.test("ctx.redirect() answers with a Location on this origin", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/go?to=" + encodeURIComponent("/inbox?tab=2#top"));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/inbox?tab=2#top");
    const absolute = await fetch(
      "/go?to=" + encodeURIComponent("http://localhost/ok?a=1"),
    );
    assert.equal(absolute.headers.get("location"), "/ok?a=1");
  });
});

Deno.test("ctx.redirect() never sends the browser to another host", async () => {
  const attempts = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/x",
    "http:evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
  ];
  await withApp(async ({ fetch }) => {
    for (const target of attempts) {
      const res = await fetch("/go?to=" + encodeURIComponent(target));
      assert.equal(res.status, 303, target);
      const location = res.headers.get("location") ?? "";
      // Resolve it as a browser would, from a page on this origin.
      const resolved = new URL(location, "http://localhost/somewhere/page");
      assert.equal(
        resolved.origin,
        "http://localhost",
        `${JSON.stringify(target)} became ${JSON.stringify(location)}`,
      );
    }
  });
});

/** Files from static/: types, caching, and nothing outside it. */
import assert from "node:assert/strict";
import { routes, withApp } from "./_app_fixture.ts";

Deno.test("App serves static files with Content-Type, ETag and Cache-Control", async () => {
  await withApp(async ({ fetch }) => {
    const css = await fetch("/styles.css");
    assert.equal(css.status, 200);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(css.headers.get("content-length"), "19");
    assert.equal(
      css.headers.get("cache-control"),
      "public, max-age=0, must-revalidate",
    );
    assert.match(css.headers.get("etag") ?? "", /^"[0-9a-f]{32}"$/);
    // Static responses pass the root middleware too.
    assert.equal(css.headers.get("x-trail"), "root");
    assert.equal(await css.text(), "body { color: red }");
    const svg = await fetch("/img/logo.svg");
    assert.equal(svg.headers.get("content-type"), "image/svg+xml");
    await svg.body?.cancel();
  });
});

Deno.test("App serves a static file whose name needs percent-encoding", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/caf%C3%A9%20menu.txt");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "croissant");
  });
});

Deno.test("App answers 304 for a static file the client already has", async () => {
  await withApp(async ({ fetch }) => {
    const first = await fetch("/styles.css");
    const etag = first.headers.get("etag")!;
    await first.body?.cancel();
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const again = await fetch("/styles.css", {
        headers: { "if-none-match": header },
      });
      assert.equal(again.status, 304, header);
      assert.equal(again.body, null);
      assert.equal(again.headers.get("etag"), etag);
    }
    const changed = await fetch("/styles.css", {
      headers: { "if-none-match": '"stale"' },
    });
    assert.equal(changed.status, 200);
    await changed.body?.cancel();
  });
});

Deno.test("App answers HEAD for a static file with headers and no body", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/styles.css", { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.body, null);
    assert.equal(res.headers.get("content-length"), "19");
    assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8");
  });
});

Deno.test("App lists no static directory", async () => {
  const { "_404.tsx": _404, ...noIndex } = routes;
  await withApp(async ({ fetch }) => {
    for (const path of ["/", "/img", "/img/", "/static", "/static/"]) {
      const res = await fetch(path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /logo\.svg|styles\.css/, path);
    }
  }, noIndex);
});

Deno.test("App serves nothing outside static/ whatever the path", async () => {
  const attempts = [
    "/../deno.json",
    "/%2e%2e/deno.json",
    "/%2E%2E/deno.json",
    "/static/../x",
    "/img/../../deno.json",
    "/img/..%2f..%2fdeno.json",
    "/img/%2e%2e%2f%2e%2e%2fdeno.json",
    "/..%5cdeno.json",
    "/%2e%2e%5cx",
    "/deno.json",
    "/x",
    "/static/styles.css",
    "//deno.json",
  ];
  await withApp(async ({ fetch }) => {
    for (const path of attempts) {
      const res = await fetch(path);
      const body = await res.text();
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(body, /outside static|color: red/, path);
    }
  });
});

Deno.test("App serves static files only for GET and HEAD", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/styles.css", { method: "POST" });
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});

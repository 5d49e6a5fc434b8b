import assert from "node:assert/strict";
import { type ComponentChildren, createContext, h, type VNode } from "preact";
import { useContext, useState } from "preact/hooks";
import { type TempProject, tempProject, testApp } from "./_test_utils.ts";
import type { Manifest } from "./app.ts";
import { createDefine, type Middleware } from "./define.ts";
import { HttpError } from "./error.ts";
import { page } from "./page.ts";

interface State {
  trail: string[];
}

const define = createDefine<State>();

/** An element vnode, typed loosely enough for any tag and props. */
function el(
  type: string,
  props: Record<string, unknown> | null,
  ...children: ComponentChildren[]
): VNode {
  return h(type, props, ...children) as VNode;
}

const STATIC_FILES = {
  "static/styles.css": "body { color: red }",
  "static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
  "static/café menu.txt": "croissant",
  // Outside static/: must never be served.
  "deno.json": '{ "secret": "outside static" }',
  "x": "outside static",
};

/** A middleware that records `name` on the way in and on the way out. */
function trace(name: string): Middleware<State> {
  return async function traced(ctx) {
    ctx.state.trail.push(`+${name}`);
    const response = await ctx.next();
    ctx.state.trail.push(`-${name}`);
    response.headers.append("x-trail", name);
    return response;
  };
}

/** Responds with the request trail, so tests can see which code ran. */
function trailResponse(ctx: { state: State }, name: string): Response {
  ctx.state.trail.push(name);
  return Response.json({ trail: ctx.state.trail });
}

const app = define.page(({ Component, state }) =>
  el(
    "html",
    { lang: "en" },
    el("head", null, el("title", null, "Test")),
    el("body", { "data-trail": state.trail.join(",") }, h(Component, null)),
  )
);

const routes: Manifest["routes"] = {
  "_app.tsx": { default: app },
  "_middleware.ts": { handler: trace("root") },
  "admin/_middleware.ts": {
    handler: [
      trace("admin-outer"),
      define.middleware(function gate(ctx) {
        if (ctx.req.headers.has("x-deny")) {
          return new Response("Admins only", { status: 403 });
        }
        if (ctx.req.headers.has("x-boom")) throw new Error("gate exploded");
        if (ctx.req.headers.has("x-forbid")) {
          throw new HttpError(403, "Not an admin");
        }
        return ctx.next();
      }),
    ],
  },
  "admin/reports/_middleware.ts": { handler: trace("reports") },
  "admin/reports/[id].ts": {
    handler: define.handlers((ctx) => trailResponse(ctx, "handler")),
  },
  "(group)/_middleware.ts": { handler: trace("group") },
  "(group)/_layout.tsx": {
    default: define.page(({ Component }) =>
      el("div", { class: "layout" }, h(Component, null))
    ),
  },
  "(group)/dashboard.tsx": {
    handler: define.handlers({
      GET: () =>
        page({ name: "Ada" }, { status: 201, headers: { "x-page": "yes" } }),
    }),
    default: define.page<unknown, { name: string }>(({ data, params }) =>
      el("p", { class: "page" }, `Hello ${data.name}`, JSON.stringify(params))
    ),
  },
  "(group)/rendered.ts": {
    handler: define.handlers((ctx) =>
      ctx.render(el("p", { class: "rendered" }, "By ctx.render"), {
        status: 202,
        headers: { "x-rendered": "yes" },
      })
    ),
  },
  "about.tsx": { default: () => el("p", null, "About us") },
  "users/me.ts": {
    handler: define.handlers({ GET: () => new Response("the current user") }),
  },
  "users/[id].ts": {
    handler: define.handlers({
      GET: (ctx) => {
        if (ctx.params.id === "secret") throw new HttpError(403, "Not yours");
        if (ctx.params.id === "gone") throw new HttpError(404, "No such user");
        return Response.json({ id: ctx.params.id, route: ctx.route });
      },
      DELETE: () => new Response(null, { status: 204 }),
    }),
  },
  "files/[...rest].ts": {
    handler: define.handlers({
      GET: (ctx) => Response.json({ rest: ctx.params.rest }),
    }),
  },
  "echo.ts": {
    handler: define.handlers((ctx) => new Response(`method ${ctx.req.method}`)),
  },
  "go.ts": {
    handler: define.handlers((ctx) =>
      ctx.redirect(ctx.url.searchParams.get("to") ?? "/", 303)
    ),
  },
  "not_a_response.ts": {
    handler: define.handlers(() =>
      ({ leaked: "database password" }) as unknown as Response
    ),
  },
  "_error.tsx": {
    handler: define.handlers((ctx) => {
      const status = ctx.error instanceof HttpError ? ctx.error.status : 500;
      if (ctx.req.headers.get("accept") === "application/json") {
        return Response.json({ status }, { status });
      }
      return page({ status });
    }),
    default: define.page<unknown, { status: number }>(({ data }) =>
      el("p", { class: "error" }, `Error page ${data.status}`)
    ),
  },
  "_404.tsx": {
    default: define.page(({ url }) =>
      el("p", { class: "not-found" }, `Nothing at ${url.pathname}`)
    ),
  },
};

/** Runs `body` against an app over `routes` with the static test files. */
async function withApp(
  body: (app: Awaited<ReturnType<typeof testApp<State>>>) => Promise<void>,
  manifestRoutes: Manifest["routes"] = routes,
): Promise<void> {
  await using project: TempProject = await tempProject(STATIC_FILES);
  const app = await testApp<State>(
    project,
    manifestRoutes,
    () => ({ trail: [] }),
  );
  await body(app);
}

/** Hides console.error for the duration of `body` and returns what was logged. */
async function quietly(body: () => Promise<void>): Promise<unknown[][]> {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    await body();
  } finally {
    console.error = original;
  }
  return logged;
}

Deno.test("App routes a static segment before a param and passes params", async () => {
  await withApp(async ({ fetch }) => {
    const me = await fetch("/users/me");
    assert.equal(await me.text(), "the current user");
    const user = await fetch("/users/42");
    assert.equal(user.status, 200);
    assert.deepEqual(await user.json(), { id: "42", route: "/users/:id" });
    const encoded = await fetch("/users/ada%20lovelace");
    assert.deepEqual(await encoded.json(), {
      id: "ada lovelace",
      route: "/users/:id",
    });
    const rest = await fetch("/files/a/b/c.txt");
    assert.deepEqual(await rest.json(), { rest: "a/b/c.txt" });
    const empty = await fetch("/files");
    assert.deepEqual(await empty.json(), { rest: "" });
  });
});

Deno.test("App runs root, then folder middlewares, outermost first", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/admin/reports/7");
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).trail, [
      "+root",
      "+admin-outer",
      "+reports",
      "handler",
    ]);
    // Appended on the way out: innermost first.
    assert.equal(res.headers.get("x-trail"), "reports, admin-outer, root");
  });
});

Deno.test("App runs a (group) folder's middleware for its routes only", async () => {
  await withApp(async ({ fetch }) => {
    const grouped = await fetch("/dashboard");
    assert.equal(grouped.headers.get("x-trail"), "group, root");
    assert.match(await grouped.text(), /data-trail="\+root,\+group"/);
    const other = await fetch("/users/1");
    assert.equal(other.headers.get("x-trail"), "root");
    await other.body?.cancel();
  });
});

Deno.test("App runs App.use() middlewares before file middlewares", async () => {
  await using project = await tempProject();
  const { app, fetch } = await testApp<State>(
    project,
    routes,
    () => ({ trail: [] }),
  );
  app.use(trace("global"));
  const res = await fetch("/admin/reports/1");
  assert.deepEqual((await res.json()).trail, [
    "+global",
    "+root",
    "+admin-outer",
    "+reports",
    "handler",
  ]);
});

Deno.test("App lets a middleware short-circuit the rest of the chain", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/admin/reports/7", {
      headers: { "x-deny": "1" },
    });
    assert.equal(res.status, 403);
    assert.equal(await res.text(), "Admins only");
    // Inner middlewares and the handler never ran; outer ones still decorated it.
    assert.equal(res.headers.get("x-trail"), "admin-outer, root");
  });
});

Deno.test("ctx.next() returns the inner response for a middleware to decorate", async () => {
  const replacing = define.middleware(async function replace(ctx) {
    const inner = await ctx.next();
    return new Response(`wrapped(${await inner.text()})`, {
      status: 299,
      headers: { "x-inner-status": String(inner.status) },
    });
  });
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/me");
    assert.equal(res.status, 299);
    assert.equal(res.headers.get("x-inner-status"), "200");
    assert.equal(await res.text(), "wrapped(the current user)");
  }, { ...routes, "_middleware.ts": { handler: replacing } });
});

Deno.test("App answers 405 with Allow when the handler lacks the method", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/42", { method: "POST" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD, DELETE");
    await res.body?.cancel();
    const deleted = await fetch("/users/42", { method: "DELETE" });
    assert.equal(deleted.status, 204);
  });
});

Deno.test("App answers 405 with Allow GET, HEAD for a page without a handler", async () => {
  await withApp(async ({ fetch }) => {
    const get = await fetch("/about");
    assert.equal(get.status, 200);
    assert.match(await get.text(), /<p>About us<\/p>/);
    const post = await fetch("/about", { method: "PUT" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    await post.body?.cancel();
  });
});

Deno.test("App answers HEAD by running GET and sending no body", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/42", { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.body, null);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const page = await fetch("/dashboard", { method: "HEAD" });
    assert.equal(page.status, 201);
    assert.equal(page.body, null);
    assert.equal(page.headers.get("x-page"), "yes");
  });
});

Deno.test("App calls a function handler for every method", async () => {
  await withApp(async ({ fetch }) => {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      const res = await fetch("/echo", { method });
      assert.equal(await res.text(), `method ${method}`);
    }
  });
});

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

Deno.test("A thrown HttpError renders the _error handler and page with its status", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/secret");
    assert.equal(res.status, 403);
    const html = await res.text();
    assert.match(html, /<p class="error">Error page 403<\/p>/);
    assert.match(html, /^<!DOCTYPE html><html/);
    const json = await fetch("/users/secret", {
      headers: { accept: "application/json" },
    });
    assert.equal(json.status, 403);
    assert.deepEqual(await json.json(), { status: 403 });
  });
});

Deno.test("An unmatched path renders _404 inside _app, through the root middleware", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/no/such/page");
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-trail"), "root");
    assert.match(
      await res.text(),
      /<body[^>]*><p class="not-found">Nothing at \/no\/such\/page<\/p><\/body>/,
    );
  });
});

Deno.test("An HttpError(404) from a route renders _404", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/gone");
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Nothing at \/users\/gone/);
  });
});

Deno.test("App answers an unmatched path with a plain 404 when there is no _404 or _error", async () => {
  const { "_404.tsx": _404, "_error.tsx": _error, ...bare } = routes;
  await withApp(async ({ fetch }) => {
    const res = await fetch("/missing");
    assert.equal(res.status, 404);
    assert.equal(await res.text(), "Not found");
  }, bare);
});

Deno.test("An error thrown in a middleware reaches outer middlewares as a Response", async () => {
  await withApp(async ({ fetch }) => {
    const logged = await quietly(async () => {
      const res = await fetch("/admin/reports/7", {
        headers: { "x-boom": "1", accept: "application/json" },
      });
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { status: 500 });
      assert.equal(res.headers.get("x-trail"), "admin-outer, root");
    });
    assert.deepEqual(logged, []);
    const forbidden = await fetch("/admin/reports/7", {
      headers: { "x-forbid": "1" },
    });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get("x-trail"), "admin-outer, root");
    assert.match(await forbidden.text(), /Error page 403/);
  });
});

Deno.test("A route returning a non-Response answers 500 without leaking details", async () => {
  const { "_error.tsx": _error, ...withoutError } = routes;
  await withApp(async ({ fetch }) => {
    const logged = await quietly(async () => {
      const res = await fetch("/not_a_response");
      assert.equal(res.status, 500);
      const body = await res.text();
      assert.equal(body, "Internal server error");
      assert.doesNotMatch(body, /database password|returned neither/);
    });
    // The cause is logged on the server.
    assert.match(String(logged[0]?.[0]), /returned neither a Response/);
  }, withoutError);
  await withApp(async ({ fetch }) => {
    const res = await fetch("/not_a_response");
    assert.equal(res.status, 500);
    const body = await res.text();
    assert.match(body, /Error page 500/);
    assert.doesNotMatch(body, /database password|returned neither/);
  });
});

Deno.test("A middleware that returns no Response answers 500", async () => {
  const broken = define.middleware(
    function forgetful() {
      return undefined as unknown as Response;
    },
  );
  await withApp(async ({ fetch }) => {
    const res = await fetch("/users/1", {
      headers: { accept: "application/json" },
    });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get("x-trail"), "root");
    await res.body?.cancel();
  }, { ...routes, "users/_middleware.ts": { handler: broken } });
});

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

Deno.test("App builds a fresh state for every request", async () => {
  await withApp(async ({ fetch }) => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch("/admin/reports/1");
      assert.equal((await res.json()).trail.length, 4);
    }
  });
});

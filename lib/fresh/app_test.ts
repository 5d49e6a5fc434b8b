/** Routing, the middleware chain and methods. */
import assert from "node:assert/strict";
import { tempProject, testApp } from "./_test_utils.ts";
import {
  define,
  el,
  routes,
  type State,
  trace,
  withApp,
} from "./_app_fixture.ts";

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

Deno.test("A wrong method passes only routes/'s middlewares, as in Fresh 2", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/dashboard", { method: "POST" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
    // (group)/_middleware.ts never ran: the trail holds routes/'s only.
    assert.match(await res.text(), /data-trail="\+root"/);
  });
});

Deno.test("A page whose handler object has no GET renders itself for GET", async () => {
  await withApp(async ({ fetch }) => {
    const get = await fetch("/form");
    assert.equal(get.status, 200);
    assert.equal(await get.text(), "<form></form>");
    const post = await fetch("/form", { method: "POST" });
    assert.equal(await post.text(), "posted");
  }, {
    "form.tsx": {
      handler: define.handlers({ POST: () => new Response("posted") }),
      default: () => el("form", null),
    },
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

Deno.test("App builds a fresh state for every request", async () => {
  await withApp(async ({ fetch }) => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch("/admin/reports/1");
      assert.equal((await res.json()).trail.length, 4);
    }
  });
});

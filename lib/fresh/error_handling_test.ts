/** Errors: `_error`, `_404`, and what outer middlewares see. */
import assert from "node:assert/strict";
import { define, quietly, routes, withApp } from "./_app_fixture.ts";

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

Deno.test("An unmatched path renders _404 inside _app, after passing the root middleware", async () => {
  await withApp(async ({ fetch }) => {
    const res = await fetch("/no/such/page");
    assert.equal(res.status, 404);
    // As in Fresh 2, the 404 is rendered before routes/'s middlewares: they
    // ran, but saw it thrown rather than returned, so none decorated it.
    assert.equal(res.headers.get("x-trail"), null);
    assert.match(
      await res.text(),
      /<body data-trail="\+root"><p class="not-found">Nothing at \/no\/such\/page<\/p><\/body>/,
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

Deno.test("An error thrown in a middleware passes outer middlewares as an exception to routes/'s _error", async () => {
  await withApp(async ({ fetch }) => {
    const logged = await quietly(async () => {
      const res = await fetch("/admin/reports/7", {
        headers: { "x-boom": "1", accept: "application/json" },
      });
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { status: 500 });
      // Rendered before routes/'s middlewares, as in Fresh 2: none decorated it.
      assert.equal(res.headers.get("x-trail"), null);
    });
    assert.deepEqual(logged, []);
    const forbidden = await fetch("/admin/reports/7", {
      headers: { "x-forbid": "1" },
    });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get("x-trail"), null);
    const html = await forbidden.text();
    assert.match(html, /Error page 403/);
    // Both outer middlewares ran before the gate threw.
    assert.match(html, /data-trail="\+root,\+admin-outer"/);
  });
});

Deno.test("A folder's _error renders before that folder's middlewares and inside its parent's", async () => {
  const folderError = {
    handler: define.handlers((ctx) =>
      new Response(`admin error: ${(ctx.error as Error).message}`, {
        status: 418,
      })
    ),
  };
  await withApp(async ({ fetch }) => {
    const res = await fetch("/admin/reports/7", {
      headers: { "x-forbid": "1" },
    });
    assert.equal(res.status, 418);
    assert.equal(await res.text(), "admin error: Not an admin");
    // routes/'s middleware got the rendered Response; admin/'s saw the throw.
    assert.equal(res.headers.get("x-trail"), "root");
    // Routes outside admin/ still reach routes/'s _error.
    const other = await fetch("/users/secret");
    assert.equal(other.status, 403);
    assert.match(await other.text(), /Error page 403/);
  }, { ...routes, "admin/_error.ts": folderError });
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
    assert.deepEqual(await res.json(), { status: 500 });
    assert.equal(res.headers.get("x-trail"), null);
  }, { ...routes, "users/_middleware.ts": { handler: broken } });
});

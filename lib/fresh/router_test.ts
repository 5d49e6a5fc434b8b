import assert from "node:assert/strict";
import { patternOf, Router, routeSegments } from "./router.ts";

/** A router built from routes/ file names, each routed to its own name. */
function routerOf(...files: string[]): Router<string> {
  const router = new Router<string>();
  for (const file of files) router.add(routeSegments(file), file);
  return router;
}

Deno.test("routeSegments() drops the extension and a trailing index", () => {
  assert.deepEqual(routeSegments("index.tsx"), []);
  assert.deepEqual(routeSegments("about.ts"), [
    { kind: "static", value: "about" },
  ]);
  assert.deepEqual(routeSegments("channels/index.ts"), [
    { kind: "static", value: "channels" },
  ]);
});

Deno.test("routeSegments() keeps an index folder that is not the last part", () => {
  assert.deepEqual(routeSegments("index/about.tsx"), [
    { kind: "static", value: "index" },
    { kind: "static", value: "about" },
  ]);
});

Deno.test("routeSegments() reads [param] and [...rest] segments", () => {
  assert.deepEqual(routeSegments("users/[id]/posts.ts"), [
    { kind: "static", value: "users" },
    { kind: "param", name: "id" },
    { kind: "static", value: "posts" },
  ]);
  assert.deepEqual(routeSegments("files/[...path].ts"), [
    { kind: "static", value: "files" },
    { kind: "rest", name: "path" },
  ]);
});

Deno.test("routeSegments() adds no segment for a (group) folder", () => {
  assert.deepEqual(routeSegments("(app)/c/[id].tsx"), [
    { kind: "static", value: "c" },
    { kind: "param", name: "id" },
  ]);
  assert.deepEqual(routeSegments("(marketing)/index.tsx"), []);
});

Deno.test("patternOf() renders segments as a readable pattern", () => {
  assert.equal(patternOf(routeSegments("index.tsx")), "/");
  assert.equal(
    patternOf(routeSegments("(app)/c/[id]/[...rest].ts")),
    "/c/:id/:rest*",
  );
});

Deno.test("Router.add() refuses a rest segment that is not last", () => {
  const router = new Router<string>();
  assert.throws(
    () =>
      router.add([
        { kind: "rest", name: "rest" },
        { kind: "static", value: "x" },
      ], "bad"),
    /rest segment must come last/,
  );
});

Deno.test("Router.match() finds the root and static routes", () => {
  const router = routerOf("index.tsx", "about.tsx", "channels/index.ts");
  assert.equal(router.match("/")?.value, "index.tsx");
  assert.equal(router.match("/about")?.value, "about.tsx");
  assert.equal(router.match("/about/")?.value, "about.tsx");
  assert.equal(router.match("/channels")?.value, "channels/index.ts");
  assert.equal(router.match("/nope"), null);
  assert.equal(router.match("/about/more"), null);
});

Deno.test("Router.match() returns the params and the pattern", () => {
  const match = routerOf("users/[id]/posts/[post].ts").match(
    "/users/42/posts/7",
  );
  assert.deepEqual(match, {
    value: "users/[id]/posts/[post].ts",
    params: { id: "42", post: "7" },
    pattern: "/users/:id/posts/:post",
  });
});

Deno.test("Router.match() prefers a static segment over a param", () => {
  const router = routerOf("users/[id].ts", "users/me.ts");
  assert.equal(router.match("/users/me")?.value, "users/me.ts");
  assert.deepEqual(router.match("/users/ada")?.params, { id: "ada" });
});

Deno.test("Router.match() prefers a param over a rest segment", () => {
  const router = routerOf("files/[...rest].ts", "files/[id].ts");
  assert.equal(router.match("/files/a")?.value, "files/[id].ts");
  assert.equal(router.match("/files/a/b")?.value, "files/[...rest].ts");
});

Deno.test("Router.match() backtracks from a static branch to a param", () => {
  // "/users/me/posts" has no static route, so the param branch must answer.
  const router = routerOf("users/me.ts", "users/[id]/posts.ts");
  assert.deepEqual(router.match("/users/me/posts"), {
    value: "users/[id]/posts.ts",
    params: { id: "me" },
    pattern: "/users/:id/posts",
  });
});

Deno.test("Router.match() backtracks to a rest segment higher up", () => {
  const router = routerOf("docs/[...slug].ts", "docs/[id]/edit.ts");
  assert.deepEqual(router.match("/docs/intro/view")?.params, {
    slug: "intro/view",
  });
  assert.deepEqual(router.match("/docs/intro/edit")?.params, { id: "intro" });
});

Deno.test("Router.match() gives each route its own param name at a shared position", () => {
  const router = routerOf("users/[id].ts", "users/[userId]/posts.ts");
  assert.deepEqual(router.match("/users/5")?.params, { id: "5" });
  assert.deepEqual(router.match("/users/5/posts")?.params, { userId: "5" });
});

Deno.test("Router.match() decodes params", () => {
  const router = routerOf("tags/[tag].ts", "files/[...path].ts");
  assert.deepEqual(router.match("/tags/caf%C3%A9%20au%20lait")?.params, {
    tag: "café au lait",
  });
  assert.deepEqual(router.match("/files/a%20b/c%2Fd")?.params, {
    path: "a b/c/d",
  });
});

Deno.test("Router.match() lets a rest segment match zero or more segments", () => {
  const router = routerOf("files/[...rest].ts");
  assert.deepEqual(router.match("/files")?.params, { rest: "" });
  assert.deepEqual(router.match("/files/")?.params, { rest: "" });
  assert.deepEqual(router.match("/files/a")?.params, { rest: "a" });
  assert.deepEqual(router.match("/files/a/b/c")?.params, { rest: "a/b/c" });
  assert.equal(router.match("/other"), null);
});

Deno.test("Router.match() prefers an exact route over an empty rest", () => {
  const router = routerOf("files/[...rest].ts", "files/index.ts");
  assert.equal(router.match("/files")?.value, "files/index.ts");
});

Deno.test("Router.match() routes a (group) page at its URL", () => {
  const router = routerOf("(app)/c/[id].tsx", "(marketing)/index.tsx");
  assert.equal(router.match("/")?.value, "(marketing)/index.tsx");
  assert.deepEqual(router.match("/c/general")?.params, { id: "general" });
  assert.equal(router.match("/(app)/c/general"), null);
});

Deno.test("Router.match() returns null for an undecodable path", () => {
  const router = routerOf("[...rest].ts", "users/[id].ts");
  assert.equal(router.match("/users/%E0%A4%A"), null);
  assert.equal(router.match("/%"), null);
});

Deno.test("Router.add() replaces an earlier route with the same pattern", () => {
  const router = new Router<string>();
  router.add(routeSegments("about.tsx"), "first");
  router.add(routeSegments("(group)/about.tsx"), "second");
  assert.equal(router.match("/about")?.value, "second");
});

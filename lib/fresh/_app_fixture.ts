/** The routes and helpers the App tests share. */
import { type ComponentChildren, h, type VNode } from "preact";
import { type TempProject, tempProject, testApp } from "./_test_utils.ts";
import type { Manifest } from "./app.ts";
import { createDefine, type Middleware } from "./define.ts";
import { HttpError } from "./error.ts";
import { page } from "./page.ts";

/** The state of the test app: a trail of which code ran. */
export interface State {
  trail: string[];
}

/** Typed helpers for the test routes. */
export const define = createDefine<State>();

/** An element vnode, typed loosely enough for any tag and props. */
export function el(
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
export function trace(name: string): Middleware<State> {
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

/** A small app: layouts, groups, folder middlewares, _error and _404. */
export const routes: Manifest["routes"] = {
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
export async function withApp(
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
export async function quietly(body: () => Promise<void>): Promise<unknown[][]> {
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

import { type FunctionComponent, h, type VNode } from "preact";
import { Context, type PageProps, type ServeInfo } from "./context.ts";
import type {
  HandlerFn,
  Middleware,
  PageComponent,
  RouteHandler,
} from "./define.ts";
import { HttpError } from "./error.ts";
import { type IslandModules, registerIslands } from "./islands.ts";
import { isPageResponse, page, type PageResponse } from "./page.ts";
import { renderDocument } from "./render.ts";
import { Router, routeSegments } from "./router.ts";
import { StaticFiles } from "./static.ts";

/** The exports a file under routes/ may have. */
export interface RouteModule {
  handler?: unknown;
  default?: unknown;
}

/** The generated list of route and island modules (`fresh.gen.ts`). */
export interface Manifest {
  /** Route modules keyed by their path under routes/, e.g. `channels/[id].ts`. */
  routes: Record<string, RouteModule>;
  /** Island modules keyed by their file name under islands/. */
  islands: IslandModules;
  /** The project directory: static/ and _fresh/ are found beside the manifest. */
  baseUrl: string;
}

/** Options for `App`. */
export interface AppOptions<State> {
  manifest: Manifest;
  /** Builds the initial `ctx.state` of each request. */
  state: () => State;
}

interface Route<State> {
  pattern: string;
  handler?: RouteHandler<unknown, State>;
  component?: PageComponent<unknown, State>;
  dirs: string[];
}

interface ErrorRoute<State> {
  handler?: RouteHandler<unknown, State>;
  component?: PageComponent<unknown, State>;
}

class MethodNotAllowed extends HttpError {
  constructor(readonly allow: string[]) {
    super(405, "Method not allowed");
  }
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** A request handler built from file routes, in the manner of Fresh 2's `App`. */
export class App<State> {
  #options: AppOptions<State>;
  #global: Middleware<State>[] = [];
  #router = new Router<Route<State>>();
  #middlewares = new Map<string, Middleware<State>[]>();
  #layouts = new Map<string, PageComponent<unknown, State>>();
  #errors = new Map<string, ErrorRoute<State>>();
  #notFound = new Map<string, ErrorRoute<State>>();
  #appShell?: PageComponent<unknown, State>;
  #static?: StaticFiles;
  #bundles?: StaticFiles;
  #clientScript: string | null = null;

  /** Builds the routing table from the manifest. */
  constructor(options: AppOptions<State>) {
    this.#options = options;
    registerIslands(options.manifest.islands);
    for (const [file, mod] of Object.entries(options.manifest.routes)) {
      this.#addRoute(file, mod);
    }
  }

  /** Adds a middleware that runs for every request, before file middlewares. */
  use(middleware: Middleware<State>): this {
    this.#global.push(middleware);
    return this;
  }

  /** Loads static/ and the island bundles; call once before serving. */
  async init(): Promise<this> {
    const base = new URL("./", this.#options.manifest.baseUrl);
    this.#static = await StaticFiles.load(new URL("static/", base), {
      prefix: "/",
    });
    this.#bundles = await StaticFiles.load(new URL("_fresh/js/", base), {
      prefix: "/_fresh/js/",
      immutable: true,
    });
    const islandCount = Object.keys(this.#options.manifest.islands).length;
    if (islandCount > 0) {
      let assets: { client: string };
      try {
        assets = JSON.parse(
          await Deno.readTextFile(new URL("_fresh/assets.json", base)),
        );
      } catch {
        throw new Error(
          "The island bundle is missing: run `deno task build` first",
        );
      }
      this.#clientScript = `/_fresh/js/${assets.client}`;
    }
    return this;
  }

  /** The function to hand to `Deno.serve`. */
  handler(): (req: Request, info: ServeInfo) => Promise<Response> {
    return async (req, info) => {
      const ctx = new Context<State>(
        req,
        info,
        this.#options.state(),
        (c, vnode, init) => this.#renderVNode(c, vnode, init),
      );
      const response = await this.#runChain(
        ctx,
        this.#global,
        () => this.#dispatch(ctx),
        [""],
      );
      return req.method === "HEAD" && response.body
        ? new Response(null, response)
        : response;
    };
  }

  #addRoute(file: string, mod: RouteModule): void {
    const slash = file.lastIndexOf("/");
    const dir = slash === -1 ? "" : file.slice(0, slash);
    const base = file.slice(slash + 1).replace(/\.(tsx|ts|jsx|js)$/, "");
    if (base === "_middleware") {
      const value = mod.handler ?? mod.default;
      const list = Array.isArray(value) ? value : [value];
      for (const mw of list) {
        if (typeof mw !== "function") {
          throw new Error(`${file}: no middleware exported`);
        }
      }
      this.#middlewares.set(dir, list as Middleware<State>[]);
    } else if (base === "_layout") {
      this.#layouts.set(dir, mod.default as PageComponent<unknown, State>);
    } else if (base === "_app") {
      this.#appShell = mod.default as PageComponent<unknown, State>;
    } else if (base === "_error" || base === "_404") {
      const target = base === "_error" ? this.#errors : this.#notFound;
      target.set(dir, {
        handler: mod.handler as RouteHandler<unknown, State> | undefined,
        component: mod.default as PageComponent<unknown, State> | undefined,
      });
    } else if (!base.startsWith("_")) {
      const segments = routeSegments(file);
      this.#router.add(segments, {
        pattern: file,
        handler: mod.handler as RouteHandler<unknown, State> | undefined,
        component: mod.default as PageComponent<unknown, State> | undefined,
        dirs: dirChain(dir),
      });
    }
  }

  #dispatch(ctx: Context<State>): Promise<Response> {
    const match = this.#router.match(ctx.url.pathname);
    if (!match) {
      // Unmatched paths still pass the root middlewares (logging, headers).
      return this.#runChain(ctx, this.#middlewares.get("") ?? [], () => {
        const file = this.#bundles?.serve(ctx.req, ctx.url.pathname) ??
          this.#static?.serve(ctx.req, ctx.url.pathname);
        if (file) return Promise.resolve(file);
        throw new HttpError(404, "Not found");
      }, [""]);
    }
    const route = match.value;
    ctx.params = match.params;
    ctx.route = match.pattern;
    const middlewares = route.dirs.flatMap((dir) =>
      this.#middlewares.get(dir) ?? []
    );
    return this.#runChain(
      ctx,
      middlewares,
      () => this.#runRoute(ctx, route),
      route.dirs,
    );
  }

  // Runs middlewares in order; any error at any depth becomes an error response
  // right there, so every outer middleware sees a Response it can decorate.
  #runChain(
    ctx: Context<State>,
    middlewares: Middleware<State>[],
    last: () => Promise<Response>,
    dirs: string[],
  ): Promise<Response> {
    const call = async (i: number): Promise<Response> => {
      try {
        if (i === middlewares.length) return await last();
        ctx.setNext(() => call(i + 1));
        const response = await middlewares[i](ctx);
        // Outer middlewares decorate what they get back: it must be a Response.
        if (!(response instanceof Response)) {
          const name = middlewares[i].name || "(anonymous)";
          throw new Error(`Middleware ${name} did not return a Response`);
        }
        return response;
      } catch (error) {
        return await this.#renderError(ctx, error, dirs);
      }
    };
    return call(0);
  }

  async #runRoute(ctx: Context<State>, route: Route<State>): Promise<Response> {
    const fn = pickHandler(route.handler, route.component, ctx.req.method);
    const result = await fn(ctx);
    if (isPageResponse(result)) {
      if (!route.component) {
        throw new Error(`${route.pattern} returned page() without a component`);
      }
      return this.#renderPage(ctx, route.component, result, route.dirs);
    }
    if (!(result instanceof Response)) {
      throw new Error(
        `${route.pattern} returned neither a Response nor page()`,
      );
    }
    return result;
  }

  async #renderPage(
    ctx: Context<State>,
    component: PageComponent<unknown, State>,
    result: PageResponse<unknown>,
    dirs: string[],
    error?: unknown,
  ): Promise<Response> {
    const props = this.#props(ctx, result.data, error);
    const vnode = await renderComponent(component, props);
    return this.#wrap(ctx, vnode, dirs, {
      status: result.status,
      headers: result.headers,
    }, props);
  }

  #renderVNode(ctx: Context<State>, vnode: VNode | null, init?: ResponseInit) {
    const dirs = this.#router.match(ctx.url.pathname)?.value.dirs ?? [""];
    return this.#wrap(
      ctx,
      vnode,
      dirs,
      init ?? {},
      this.#props(ctx, undefined),
    );
  }

  // Puts the page inside its layouts (innermost first) and the app shell.
  async #wrap(
    _ctx: Context<State>,
    vnode: VNode | null,
    dirs: string[],
    init: ResponseInit,
    props: PageProps<unknown, State>,
  ): Promise<Response> {
    let inner = vnode;
    const shells = dirs.map((dir) => this.#layouts.get(dir)).filter((l) =>
      l !== undefined
    );
    if (this.#appShell) shells.unshift(this.#appShell);
    for (const shell of shells.reverse()) {
      const child = inner;
      inner = await renderComponent(shell, {
        ...props,
        Component: () => child,
      });
    }
    const html = renderDocument(inner, this.#clientScript);
    const headers = new Headers(init.headers);
    headers.set("content-type", "text/html; charset=utf-8");
    return new Response(html, { status: init.status ?? 200, headers });
  }

  #props(
    ctx: Context<State>,
    data: unknown,
    error?: unknown,
  ): PageProps<unknown, State> {
    return {
      Component: () => null,
      data,
      url: ctx.url,
      req: ctx.req,
      params: ctx.params,
      state: ctx.state,
      error,
    };
  }

  async #renderError(
    ctx: Context<State>,
    error: unknown,
    dirs: string[],
  ): Promise<Response> {
    const status = error instanceof HttpError ? error.status : 500;
    ctx.error = error;
    const route =
      (status === 404 ? nearest(this.#notFound, dirs) : undefined) ??
        nearest(this.#errors, dirs);
    let response: Response;
    try {
      response = await this.#errorResponse(ctx, route, error, status, dirs);
    } catch (nested) {
      // The error page itself failed: answer plainly rather than not at all.
      console.error(nested);
      response = new Response(
        status === 500 ? "Internal server error" : "Error",
        {
          status,
          headers: { "content-type": "text/plain; charset=utf-8" },
        },
      );
    }
    if (error instanceof MethodNotAllowed) {
      const headers = new Headers(response.headers);
      headers.set("allow", error.allow.join(", "));
      response = new Response(response.body, {
        status: response.status,
        headers,
      });
    }
    return response;
  }

  async #errorResponse(
    ctx: Context<State>,
    route: ErrorRoute<State> | undefined,
    error: unknown,
    status: number,
    dirs: string[],
  ): Promise<Response> {
    if (route?.handler) {
      const fn = typeof route.handler === "function"
        ? route.handler
        : route.handler[ctx.req.method as "GET"] ?? route.handler.GET;
      if (fn) {
        const result = await fn(ctx);
        if (result instanceof Response) return result;
        if (isPageResponse(result) && route.component) {
          return this.#renderPage(
            ctx,
            route.component,
            {
              ...result,
              status: result.status ?? status,
            },
            dirs,
            error,
          );
        }
      }
    }
    if (route?.component) {
      const props = this.#props(ctx, undefined, error);
      const vnode = await renderComponent(route.component, props);
      return this.#wrap(ctx, vnode, dirs, { status }, props);
    }
    if (status === 500) console.error(error);
    const message = error instanceof HttpError && status < 500
      ? error.message
      : "Internal server error";
    return new Response(message, {
      status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}

function pickHandler<State>(
  handler: RouteHandler<unknown, State> | undefined,
  component: PageComponent<unknown, State> | undefined,
  method: string,
): HandlerFn<unknown, State> {
  if (typeof handler === "function") return handler;
  const byMethod: Partial<Record<string, HandlerFn<unknown, State>>> = handler
    ? { ...handler }
    : component
    ? { GET: () => page(undefined) }
    : {};
  const fn = byMethod[method] ?? (method === "HEAD" ? byMethod.GET : undefined);
  if (fn) return fn;
  const allow = METHODS.filter((m) =>
    byMethod[m] || (m === "HEAD" && byMethod.GET)
  );
  throw new MethodNotAllowed(allow);
}

// Sync components are rendered as components, so hooks work inside pages,
// layouts and _app; async ones (Fresh's async pages) are awaited instead.
async function renderComponent<State>(
  component: PageComponent<unknown, State>,
  props: PageProps<unknown, State>,
): Promise<VNode | null> {
  if (component.constructor.name === "AsyncFunction") {
    return await component(props);
  }
  return h(
    component as FunctionComponent<PageProps<unknown, State>>,
    props,
  ) as VNode;
}

function dirChain(dir: string): string[] {
  const chain = [""];
  if (dir === "") return chain;
  const parts = dir.split("/");
  for (let i = 1; i <= parts.length; i++) {
    chain.push(parts.slice(0, i).join("/"));
  }
  return chain;
}

function nearest<T>(map: Map<string, T>, dirs: string[]): T | undefined {
  for (let i = dirs.length - 1; i >= 0; i--) {
    const value = map.get(dirs[i]);
    if (value) return value;
  }
  return undefined;
}

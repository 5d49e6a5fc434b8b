import { middlewaresFor, runChain } from "./chain.ts";
import { Context, type ServeInfo } from "./context.ts";
import type { HandlerFn, Middleware } from "./define.ts";
import { HttpError } from "./error.ts";
import { fallbackResponse, MethodNotAllowed } from "./error_handling.ts";
import { registerIslands } from "./islands.ts";
import { PageRenderer } from "./page_render.ts";
import type { Match } from "./router.ts";
import { allowedMethods, handlerFor, runRoute } from "./route_handler.ts";
import { type Manifest, type Route, RouteTable } from "./route_table.ts";
import { ENCODED_DIR } from "./encoded.ts";
import { StaticFiles } from "./static.ts";

export type { Manifest, RouteModule } from "./route_table.ts";

// Unknown paths and wrong methods pass routes/'s own middlewares only.
const ROOT_DIRS = [""];

/** Options for `App`. */
export interface AppOptions {
  manifest: Manifest;
}

/** A request handler built from file routes, in the manner of Fresh 2's `App`. */
export class App<State> {
  #manifest: Manifest;
  #global: Middleware<State>[] = [];
  #table: RouteTable<State>;
  #renderer: PageRenderer<State>;
  #static?: StaticFiles;
  #bundles?: StaticFiles;
  // The middleware list of each folder's routes, built on its first request
  // (the list depends only on the folder and the `use()` middlewares).
  #chains = new Map<string, Middleware<State>[]>();

  /** Builds the routing table from the manifest. */
  constructor(options: AppOptions) {
    this.#manifest = options.manifest;
    registerIslands(options.manifest.islands);
    this.#table = new RouteTable(options.manifest.routes);
    this.#renderer = new PageRenderer(this.#table);
  }

  /** Adds a middleware that runs for every request, before file middlewares. */
  use(middleware: Middleware<State>): this {
    this.#global.push(middleware);
    this.#chains.clear();
    return this;
  }

  /** Loads static/ and the island bundles; call once before serving. */
  async init(): Promise<this> {
    const base = new URL("./", this.#manifest.baseUrl);
    const encoded = new URL(ENCODED_DIR, base);
    this.#static = await StaticFiles.load(new URL("static/", base), {
      prefix: "/",
      encoded,
    });
    this.#bundles = await StaticFiles.load(new URL("_fresh/js/", base), {
      prefix: "/_fresh/js/",
      immutable: true,
      encoded,
    });
    if (Object.keys(this.#manifest.islands).length > 0) {
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
      this.#renderer.clientScript = `/_fresh/js/${assets.client}`;
    }
    return this;
  }

  /** The function to hand to `Deno.serve`. */
  handler(): (req: Request, info: ServeInfo) => Promise<Response> {
    return async (req, info) => {
      const url = new URL(req.url);
      const match = this.#table.match(url.pathname);
      const fn = match ? handlerFor(match.value, req.method) : null;
      const dirs = match?.value.dirs ?? [""];
      const ctx = new Context<State>(
        req,
        info,
        // As in Fresh 2, a route with the wrong method keeps its pattern but no params.
        match && { pattern: match.pattern, params: fn ? match.params : {} },
        (c, vnode, init) => this.#renderer.vnode(c, vnode, dirs, init),
        url,
      );
      let response: Response;
      try {
        response = await this.#dispatch(ctx, match, fn);
      } catch (error) {
        // No `_error` route took it.
        ctx.error = error;
        response = fallbackResponse(error);
      }
      return req.method === "HEAD" && response.body
        ? new Response(null, response)
        : response;
    };
  }

  // Unknown paths and wrong methods pass only routes/'s own middlewares, as
  // in Fresh 2; a matched route passes those of every folder above it.
  #dispatch(
    ctx: Context<State>,
    match: Match<Route<State>> | null,
    fn: HandlerFn<unknown, State> | null,
  ): Promise<Response> {
    if (!match) {
      return runChain(ctx, this.#chain(ROOT_DIRS), () => {
        const file = this.#bundles?.serve(ctx.req, ctx.url.pathname) ??
          this.#static?.serve(ctx.req, ctx.url.pathname);
        if (file) return Promise.resolve(file);
        throw new HttpError(404);
      });
    }
    const route = match.value;
    if (!fn) {
      return runChain(ctx, this.#chain(ROOT_DIRS), () => {
        throw new MethodNotAllowed(allowedMethods(route));
      });
    }
    return runChain(
      ctx,
      this.#chain(route.dirs),
      () => runRoute(ctx, route, fn, this.#renderer),
    );
  }

  // `dirs` is a folder's chain from routes/ down, so its last entry names it.
  #chain(dirs: string[]): Middleware<State>[] {
    const folder = dirs[dirs.length - 1];
    let list = this.#chains.get(folder);
    if (!list) {
      list = middlewaresFor(this.#table, this.#renderer, this.#global, dirs);
      this.#chains.set(folder, list);
    }
    return list;
  }
}

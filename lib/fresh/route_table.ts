import type { Middleware, PageComponent, RouteHandler } from "./define.ts";
import type { IslandModules } from "./islands.ts";
import { type Match, Router, routeSegments } from "./router.ts";

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

/** A handler and page component pair: a route, `_error` or `_404`. */
export interface RouteDef<State> {
  handler?: RouteHandler<unknown, State>;
  component?: PageComponent<unknown, State>;
}

/** A routable file: its pattern and the folders whose files apply to it. */
export interface Route<State> extends RouteDef<State> {
  /** The file under routes/, for messages. */
  file: string;
  /** The folders from routes/ down to the file's, outermost first; "" is routes/. */
  dirs: string[];
}

/** Every file under routes/, sorted by what it is and the folder it sits in. */
export class RouteTable<State> {
  #router = new Router<Route<State>>();
  #middlewares = new Map<string, Middleware<State>[]>();
  #layouts = new Map<string, PageComponent<unknown, State>>();
  #errors = new Map<string, RouteDef<State>>();
  /** `_app`: the document shell around every page. */
  appShell?: PageComponent<unknown, State>;
  /** `_404`: one for the whole app, as in Fresh 2. */
  notFound?: RouteDef<State>;

  /** Sorts each manifest entry into the table; throws on files Fresh 2 would not accept. */
  constructor(routes: Manifest["routes"]) {
    for (const [file, mod] of Object.entries(routes)) this.#add(file, mod);
  }

  /** The route for a URL path, with its params and pattern, or null. */
  match(pathname: string): Match<Route<State>> | null {
    return this.#router.match(pathname);
  }

  /** The middlewares of one folder's `_middleware` file, in order. */
  middlewares(dir: string): Middleware<State>[] {
    return this.#middlewares.get(dir) ?? [];
  }

  /** The `_error` route of one folder, if it has one. */
  errorRoute(dir: string): RouteDef<State> | undefined {
    return this.#errors.get(dir);
  }

  /** The `_layout` components of these folders, outermost first. */
  layouts(dirs: string[]): PageComponent<unknown, State>[] {
    return dirs.flatMap((dir) => this.#layouts.get(dir) ?? []);
  }

  #add(file: string, mod: RouteModule): void {
    const slash = file.lastIndexOf("/");
    const dir = slash === -1 ? "" : file.slice(0, slash);
    const base = file.slice(slash + 1).replace(/\.(tsx|ts|jsx|js)$/, "");
    const def = {
      handler: mod.handler as RouteHandler<unknown, State> | undefined,
      component: mod.default as PageComponent<unknown, State> | undefined,
    };
    if (base === "_middleware") {
      this.#middlewares.set(dir, middlewareList(file, mod));
    } else if (base === "_layout") {
      this.#layouts.set(dir, def.component!);
    } else if (base === "_app") {
      this.appShell = def.component;
    } else if (base === "_error") {
      this.#errors.set(dir, def);
    } else if (base === "_404") {
      // Fresh 2 keeps a single not-found route, whatever folder it is in.
      if (dir !== "") {
        throw new Error(`${file}: _404 belongs in routes/ itself`);
      }
      this.notFound = def;
    } else if (!base.startsWith("_")) {
      this.#router.add(routeSegments(file), {
        ...def,
        file,
        dirs: dirChain(dir),
      });
    }
  }
}

function middlewareList<State>(
  file: string,
  mod: RouteModule,
): Middleware<State>[] {
  const value = mod.handler ?? mod.default;
  const list = Array.isArray(value) ? value : [value];
  for (const mw of list) {
    if (typeof mw !== "function") {
      throw new Error(`${file}: no middleware exported`);
    }
  }
  return list;
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

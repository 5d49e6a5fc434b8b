import type { Context } from "./context.ts";
import type { HandlerFn, Method } from "./define.ts";
import { isPageResponse, page } from "./page.ts";
import type { PageRenderer } from "./page_render.ts";
import type { Route, RouteDef } from "./route_table.ts";

const METHODS: Method[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];

type ByMethod<State> = Partial<Record<string, HandlerFn<unknown, State>>>;

// A page without a handler, or whose handler object has no GET, answers GET
// by rendering itself, as Fresh 2 does.
// Built once per route: route modules do not change while serving.
function byMethod<State>(route: RouteDef<State>): ByMethod<State> {
  let handlers = methodTables.get(route) as ByMethod<State> | undefined;
  if (handlers) return handlers;
  handlers = typeof route.handler === "object" ? { ...route.handler } : {};
  if (route.component && !handlers.GET) handlers.GET = () => page(undefined);
  methodTables.set(route, handlers);
  return handlers;
}

const methodTables = new WeakMap<object, object>();

/** The function that answers `method` on this route, or null when it has none. */
export function handlerFor<State>(
  route: RouteDef<State>,
  method: string,
): HandlerFn<unknown, State> | null {
  if (typeof route.handler === "function") return route.handler;
  const handlers = byMethod(route);
  return handlers[method] ??
    (method === "HEAD" ? handlers.GET : undefined) ?? null;
}

/** The methods a route answers, for the `Allow` header of a 405. */
export function allowedMethods<State>(route: RouteDef<State>): string[] {
  if (typeof route.handler === "function") return [...METHODS];
  const handlers = byMethod(route);
  return METHODS.filter((m) => handlers[m] || (m === "HEAD" && handlers.GET));
}

/** Runs the route's handler and renders its page when it returns `page()`. */
export async function runRoute<State>(
  ctx: Context<State>,
  route: Route<State>,
  fn: HandlerFn<unknown, State>,
  renderer: PageRenderer<State>,
): Promise<Response> {
  const result = await fn(ctx);
  if (isPageResponse(result)) {
    if (!route.component) {
      throw new Error(`${route.file} returned page() without a component`);
    }
    return renderer.page(ctx, route.component, result, route.dirs);
  }
  // Fresh 2 would render anything else as page data; refusing it keeps a
  // stray object (a database row, say) from ever reaching the client.
  if (!(result instanceof Response)) {
    throw new Error(`${route.file} returned neither a Response nor page()`);
  }
  return result;
}

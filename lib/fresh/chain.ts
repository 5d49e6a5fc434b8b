import type { Context } from "./context.ts";
import type { Middleware } from "./define.ts";
import { errorBoundary } from "./error_handling.ts";
import type { PageRenderer } from "./page_render.ts";
import type { RouteTable } from "./route_table.ts";

/**
 * The middlewares a request to a route in `dirs` passes, outermost first:
 * for each folder, its error boundary then its `_middleware` file; the
 * `App.use()` middlewares join routes/'s own, ahead of its file.
 */
export function middlewaresFor<State>(
  table: RouteTable<State>,
  renderer: PageRenderer<State>,
  global: Middleware<State>[],
  dirs: string[],
): Middleware<State>[] {
  const list: Middleware<State>[] = [];
  for (let i = 0; i < dirs.length; i++) {
    const boundary = errorBoundary(table, renderer, dirs.slice(0, i + 1));
    if (boundary) list.push(boundary);
    if (i === 0) list.push(...global);
    list.push(...table.middlewares(dirs[i]));
  }
  return list;
}

/** Runs middlewares in order, each reaching the next by `ctx.next()`, then `last`. */
export function runChain<State>(
  ctx: Context<State>,
  middlewares: Middleware<State>[],
  last: () => Promise<Response>,
): Promise<Response> {
  const call = async (i: number): Promise<Response> => {
    if (i === middlewares.length) return await last();
    ctx.setNext(() => call(i + 1));
    const response = await middlewares[i](ctx);
    // Outer middlewares decorate what they get back: it must be a Response.
    if (!(response instanceof Response)) {
      const name = middlewares[i].name || "(anonymous)";
      throw new Error(`Middleware ${name} did not return a Response`);
    }
    return response;
  };
  return call(0);
}

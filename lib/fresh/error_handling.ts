import type { Context } from "./context.ts";
import type { Middleware } from "./define.ts";
import { HttpError } from "./error.ts";
import { isPageResponse } from "./page.ts";
import {
  pageProps,
  type PageRenderer,
  renderComponent,
} from "./page_render.ts";
import type { RouteDef, RouteTable } from "./route_table.ts";

/** The 405 a route throws for a method it lacks; it knows what to put in `Allow`. */
export class MethodNotAllowed extends HttpError {
  /** Creates the error for a route answering only `allow`. */
  constructor(readonly allow: string[]) {
    super(405);
  }
}

/** The HTTP status an error is answered with: its own, or 500. */
export function statusOf(error: unknown): number {
  return error instanceof HttpError ? error.status : 500;
}

/**
 * The step that renders errors for one folder, placed before that folder's
 * middlewares as in Fresh 2: an error thrown inside passes through the inner
 * middlewares as an exception, is rendered here by `_404` (for a 404) or the
 * folder's `_error`, and the outer middlewares see the rendered Response.
 * With neither, the error goes on up to the parent folder.
 */
export function errorBoundary<State>(
  table: RouteTable<State>,
  renderer: PageRenderer<State>,
  dirs: string[],
): Middleware<State> | null {
  const dir = dirs.at(-1)!;
  const errorRoute = table.errorRoute(dir);
  if (!errorRoute && !table.notFound) return null;
  return async function errorBoundary(ctx) {
    try {
      return await ctx.next();
    } catch (error) {
      const status = statusOf(error);
      const route = (status === 404 ? table.notFound : undefined) ??
        errorRoute;
      if (!route) throw error;
      ctx.error = error;
      const response = await renderErrorRoute(
        ctx,
        route,
        status,
        dirs,
        renderer,
      );
      return withAllow(error, response);
    }
  };
}

async function renderErrorRoute<State>(
  ctx: Context<State>,
  route: RouteDef<State>,
  status: number,
  dirs: string[],
  renderer: PageRenderer<State>,
): Promise<Response> {
  const fn = typeof route.handler === "function"
    ? route.handler
    : route.handler?.[ctx.req.method as "GET"] ?? route.handler?.GET;
  const props = pageProps(ctx, undefined);
  if (fn) {
    const result = await fn(ctx);
    if (result instanceof Response) return result;
    if (isPageResponse(result) && route.component) {
      const vnode = await renderComponent(route.component, {
        ...props,
        data: result.data,
      });
      return renderer.document(vnode, dirs, {
        status: result.status ?? status,
        headers: result.headers,
      }, { ...props, data: result.data });
    }
  }
  if (!route.component) return fallbackResponse(ctx.error);
  const vnode = await renderComponent(route.component, props);
  return renderer.document(vnode, dirs, { status }, props);
}

/**
 * The answer when no `_error` route took the error: the status and a short
 * message for an HttpError under 500, a bare 500 (logged) for anything else.
 */
export function fallbackResponse(error: unknown): Response {
  const status = statusOf(error);
  if (status >= 500) console.error(error);
  const message = error instanceof HttpError && status < 500
    ? error.message
    : "Internal server error";
  return withAllow(
    error,
    new Response(message, {
      status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    }),
  );
}

/** Adds `Allow` to the response for a 405, whoever rendered it. */
export function withAllow(error: unknown, response: Response): Response {
  if (!(error instanceof MethodNotAllowed)) return response;
  const headers = new Headers(response.headers);
  headers.set("allow", error.allow.join(", "));
  return new Response(response.body, { status: response.status, headers });
}

import type { VNode } from "preact";
import type { Context, PageProps } from "./context.ts";
import type { PageResponse } from "./page.ts";

/** HTTP methods a route handler object may define. */
export type Method =
  | "GET"
  | "HEAD"
  | "POST"
  | "PUT"
  | "PATCH"
  | "DELETE"
  | "OPTIONS";

/** What a handler may return. */
export type HandlerResult<Data> =
  | Response
  | PageResponse<Data>
  | Promise<Response | PageResponse<Data>>;

/** A handler function: one argument, the context. */
export type HandlerFn<Data, State> = (
  ctx: Context<State>,
) => HandlerResult<Data>;

/** A handler object keyed by HTTP method. */
export type HandlerByMethod<Data, State> = {
  [M in Method]?: HandlerFn<Data, State>;
};

/** A route's `handler` export: one function for every method, or one per method. */
export type RouteHandler<Data, State> =
  | HandlerFn<Data, State>
  | HandlerByMethod<Data, State>;

/** A middleware: like a handler, but may call `ctx.next()`. */
export type Middleware<State> = (
  ctx: Context<State>,
) => Response | Promise<Response>;

/** A page, layout or app component. */
export type PageComponent<Data, State> = (
  props: PageProps<Data, State>,
) => VNode | null | Promise<VNode | null>;

type DataOf<H, State> = H extends HandlerFn<infer D, State> ? D
  : H extends HandlerByMethod<infer D, State> ? D
  : never;

/** The typed helpers `createDefine()` returns. */
export interface Define<State> {
  /** Declares a route's handlers; carries types only. */
  handlers<
    Data,
    Handlers extends RouteHandler<Data, State> = RouteHandler<Data, State>,
  >(handlers: Handlers): Handlers;
  /** Declares a page component whose `data` type comes from `typeof handler`. */
  page<Handler = never, Data = DataOf<Handler, State>>(
    render: PageComponent<Data, State>,
  ): PageComponent<Data, State>;
  /** Declares a middleware (or a list run in order). */
  middleware<M extends Middleware<State> | Middleware<State>[]>(
    middleware: M,
  ): M;
}

/** Creates typed `define.*` helpers for an app's `State`, as Fresh 2 does. */
export function createDefine<State>(): Define<State> {
  return {
    handlers: (handlers) => handlers,
    page: (render) => render,
    middleware: (middleware) => middleware,
  };
}

import { type FunctionComponent, h, type VNode } from "preact";
import type { Context, PageProps } from "./context.ts";
import type { PageComponent } from "./define.ts";
import type { PageResponse } from "./page.ts";
import { renderDocument } from "./render.ts";
import type { RouteTable } from "./route_table.ts";

/** Turns page components and vnodes into HTML responses inside layouts and `_app`. */
export class PageRenderer<State> {
  #table: RouteTable<State>;
  /** The island boot script, once the bundle is known; pages with islands load it. */
  clientScript: string | null = null;

  /** Renders with the layouts and app shell of `table`. */
  constructor(table: RouteTable<State>) {
    this.#table = table;
  }

  /** Renders a page component with a handler's `page()` result. */
  async page(
    ctx: Context<State>,
    component: PageComponent<unknown, State>,
    result: PageResponse<unknown>,
    dirs: string[],
  ): Promise<Response> {
    const props = pageProps(ctx, result.data);
    const vnode = await renderComponent(component, props);
    return this.document(vnode, dirs, {
      status: result.status,
      headers: result.headers,
    }, props);
  }

  /** Renders a vnode, as `ctx.render()` does. */
  vnode(
    ctx: Context<State>,
    vnode: VNode | null,
    dirs: string[],
    init: ResponseInit = {},
  ): Promise<Response> {
    return this.document(vnode, dirs, init, pageProps(ctx, undefined));
  }

  /** Puts `vnode` inside the layouts of `dirs` (innermost first) and `_app`. */
  async document(
    vnode: VNode | null,
    dirs: string[],
    init: ResponseInit,
    props: PageProps<unknown, State>,
  ): Promise<Response> {
    let inner = vnode;
    const shells = this.#table.layouts(dirs);
    if (this.#table.appShell) shells.unshift(this.#table.appShell);
    for (const shell of shells.reverse()) {
      const child = inner;
      inner = await renderComponent(shell, {
        ...props,
        Component: () => child,
      });
    }
    const html = renderDocument(inner, this.clientScript);
    const headers = new Headers(init.headers);
    headers.set("content-type", "text/html; charset=utf-8");
    return new Response(html, { status: init.status ?? 200, headers });
  }
}

/** The props a page, layout or `_app` receives for this request. */
export function pageProps<State>(
  ctx: Context<State>,
  data: unknown,
): PageProps<unknown, State> {
  return {
    Component: () => null,
    data,
    url: ctx.url,
    req: ctx.req,
    params: ctx.params,
    state: ctx.state,
    error: ctx.error ?? undefined,
  };
}

/**
 * Sync components are rendered as components, so hooks work inside pages,
 * layouts and _app; async ones (Fresh's async pages) are awaited instead.
 */
export async function renderComponent<State>(
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

import type { ComponentChildren, FunctionComponent, VNode } from "preact";

/** The connection facts Deno.serve hands to a request handler. */
export type ServeInfo = Deno.ServeHandlerInfo<Deno.NetAddr>;

/** Props every page, layout and app component receives. */
export interface PageProps<Data = unknown, State = unknown> {
  /** The inner component: the page inside a layout, the layouts inside `_app`. */
  Component: FunctionComponent;
  data: Data;
  url: URL;
  req: Request;
  params: Record<string, string>;
  state: State;
  /** The error being rendered, on `_error` and `_404` pages. */
  error?: unknown;
}

/** Renders a vnode inside the app shell and layouts; supplied by the app. */
export type Renderer<State> = (
  ctx: Context<State>,
  vnode: VNode | null,
  init?: ResponseInit,
) => Promise<Response>;

/** The per-request object every handler and middleware receives as its only argument. */
export class Context<State> {
  /** The incoming request. */
  readonly req: Request;
  /** The parsed request URL. */
  readonly url: URL;
  /** The connection facts, including `remoteAddr`. */
  readonly info: ServeInfo;
  /** Values of `[param]` and `[...rest]` segments; empty unless the method matched. */
  readonly params: Record<string, string>;
  /** Per-request state shared by middlewares and handlers; starts empty, as in Fresh 2. */
  readonly state: State = {} as State;
  /** The error being handled, inside `_error` and `_404` handlers. */
  error: unknown = null;
  /** The route pattern that matched, such as `/channels/:id`, or null. */
  readonly route: string | null;
  #next: () => Promise<Response> = () => Promise.reject(new Error("No next"));
  #render: Renderer<State>;

  /** Builds a context; apps create these, not routes (`url` is `req.url` parsed, if done already). */
  constructor(
    req: Request,
    info: ServeInfo,
    match: { pattern: string; params: Record<string, string> } | null,
    render: Renderer<State>,
    url: URL = new URL(req.url),
  ) {
    this.req = req;
    this.url = url;
    this.info = info;
    this.route = match?.pattern ?? null;
    this.params = match?.params ?? {};
    this.#render = render;
  }

  /** Runs the next middleware or the route handler and returns its response. */
  next(): Promise<Response> {
    return this.#next();
  }

  /** Sets what `next()` runs; used by the app to chain middlewares. */
  setNext(next: () => Promise<Response>): void {
    this.#next = next;
  }

  /** Answers with a redirect to a path on this origin (never to another host). */
  redirect(path: string, status = 302): Response {
    // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would
    // reach them as "//evil.example": drop them first, as browsers will.
    let location = path.replace(/[\t\n\r]/g, "");
    // Prevent open redirects: "//evil.example" and "/\evil.example" are other hosts.
    if (/^[/\\]{2,}/.test(location)) {
      location = "/" + location.replace(/^[/\\]+/, "");
    }
    if (!location.startsWith("/")) {
      const target = new URL(location, this.url);
      location = target.origin === this.url.origin
        ? target.pathname + target.search + target.hash
        : "/";
    }
    return new Response(null, { status, headers: { location } });
  }

  /** Renders `vnode` inside the app shell and layouts of the current route. */
  render(vnode: VNode | null, init?: ResponseInit): Promise<Response> {
    return this.#render(this, vnode, init);
  }
}

/** Children accepted by layout-like components. */
export type Children = ComponentChildren;

/**
 * Hearth's framework core: the subset of Fresh 2's API (`@fresh/core`) the app
 * uses, so routes and islands read as a Fresh 2 app and can move to
 * `jsr:@fresh/core` by changing the import map.
 */
export { HttpError } from "./error.ts";
export { page, type PageResponse } from "./page.ts";
export { Context, type PageProps } from "./context.ts";
export {
  createDefine,
  type Define,
  type HandlerFn,
  type Middleware,
  type PageComponent,
  type RouteHandler,
} from "./define.ts";
export { App, type Manifest } from "./app.ts";

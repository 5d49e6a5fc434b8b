/**
 * Hearth's framework core: the subset of Fresh 2's API (`@fresh/core`) the app
 * uses, so routes and islands read as a Fresh 2 app and can move to
 * `jsr:@fresh/core` by changing the import map and the entry point.
 *
 * ## Behaving as Fresh 2 does
 *
 * - Each folder's `_error`, and the app-wide `_404`, render in a boundary that
 *   sits before that folder's `_middleware`: middlewares inside it see the
 *   error thrown, not a Response, and only those outside it see the rendered
 *   page. Anything that must hold for every response (security headers, the
 *   request id, the request log) therefore wraps the app's handler instead of
 *   being a middleware (`lib/http/envelope.ts`).
 * - Unknown paths and wrong methods pass only routes/'s own middlewares (and
 *   `App.use()` ones) before the 404 or 405 is thrown.
 * - `ctx.state` starts as `{}`; the entry point seeds it with a first
 *   middleware. `ctx.params`, `ctx.route` and `ctx.state` are read-only.
 * - A page with no handler, or whose handler object has no `GET`, renders
 *   itself for GET; HEAD runs GET and drops the body.
 * - `_404` exists once, in routes/ (a nested one is refused at start).
 * - Any thrown value reaches `_error` as `ctx.error`; only an `HttpError`'s
 *   `status` is read, everything else counts as 500.
 *
 * ## What still differs, and what a switch would change
 *
 * - Entry point: here `new App({ manifest })`, `app.init()` and the generated
 *   `fresh.gen.ts`; Fresh 2 builds with its `Builder`, then `new App()`,
 *   `app.use(staticFiles())` and `app.fsRoutes()`. `lib/server.ts` and
 *   `tools/build.ts` would be rewritten; the seeding middleware and the
 *   envelope stay as they are.
 * - 405: here it carries `Allow` (the API promises it) and OPTIONS on a route
 *   without an OPTIONS handler is a 405 too. Fresh 2 throws a bare
 *   `HttpError(405)` with no `Allow`, and answers such an OPTIONS with 204 and
 *   `Allow`. A switch drops `Allow` from 405s unless the app adds it.
 * - Messages: `new HttpError(404)` here gets a sentence ("Not found"), and so
 *   do the 404 and 405 the framework throws; in Fresh 2 their `message` is
 *   empty. `_error` shows `message` as `detail`, so after a switch it must fall
 *   back to a sentence of its own for an empty message. Without an `_error`,
 *   Fresh 2 answers with the status text ("Not Found").
 * - A handler returning neither a Response nor `page()` is a 500 here; Fresh 2
 *   renders the object as page data. A middleware returning no Response is a
 *   500 at once here; Fresh 2 notices only at the top, with a plain 500 that
 *   skips `_error`.
 * - `ctx.redirect()` here never leaves the origin (it strips tabs and
 *   newlines, collapses leading slashes and backslashes, and turns absolute
 *   URLs to other hosts into `/`); Fresh 2 only collapses repeated slashes in
 *   a path. Hearth redirects only to its own paths, so a switch loses the
 *   guard, not a behaviour.
 * - Routing: a segment trie here (static before `[param]` before
 *   `[...rest]`, trying the next candidate when one fails), params decoded
 *   with `decodeURIComponent`, empty segments ignored. Fresh 2 tries
 *   URLPatterns in sorted order (first match wins, even if its method does
 *   not), decodes with `decodeURI` (`%2F` stays encoded) and retries only
 *   static routes with the other trailing slash. Hearth's params are ids
 *   without `/` or `%`, so they match the same.
 * - Static files: served here for unmatched GET and HEAD, after routes/'s
 *   middlewares, from static/ and `_fresh/js/`, with ETags. In Fresh 2,
 *   `staticFiles()` is a middleware placed by the entry point (usually before
 *   `fsRoutes()`, so before routes/'s middlewares) serving its build output.
 *   The build here also writes brotli and gzip copies (`encoded.ts`, using the
 *   coding rules of `lib/http/encoding.ts`), served to clients that take them;
 *   Fresh 2 serves its files plain, so after a switch the envelope's dynamic
 *   compression would code them on each request instead.
 * - Islands: here an island is a `<hearth-island data-island data-props>`
 *   element, hydrated by one boot script under `/_fresh/js/`, which marks it
 *   `data-hydrated`. Fresh 2 marks islands with HTML comments and serializes
 *   props its own way. Nothing outside `lib/fresh` relies on this markup:
 *   tests and styles use roles and the islands' own attributes.
 * - Rendering: `ctx.render()` and pages render the tree as given; Fresh 2
 *   adds `<html>`, `<head>` or `<body>` when the tree lacks them and sends
 *   `Link: modulepreload` headers. Pages and layouts get `PageProps` here
 *   (`Component`, `data`, `url`, `req`, `params`, `state`, `error`); Fresh 2
 *   passes the whole context, and `_app` gets `data: null`.
 * - Not provided here: `App.use(path, ...)`, `app.get()` and friends,
 *   `ctx.text()`/`json()`/`html()`/`stream()`/`upgrade()`, partials, route and
 *   layout `config`, lazy routes, folder `_404`s. `HttpError.status` is a
 *   plain number rather than Fresh's `ErrorStatus`.
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

import { pathToFileURL } from "node:url";
import { App, type Manifest } from "./app.ts";
import type { ServeInfo } from "./context.ts";
import type { IslandModules } from "./islands.ts";

/** Connection facts for requests handed to an app in memory. */
export const SERVE_INFO = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
} as unknown as ServeInfo;

/** A throwaway project directory; files are relative paths mapped to their text. */
export interface TempProject {
  /** The directory as a `file:` URL ending in a slash. */
  dir: URL;
  /** A `baseUrl` for a manifest, as `fresh.gen.ts` would have it. */
  baseUrl: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates a temporary project holding `files`; dispose of it to delete it. */
export async function tempProject(
  files: Record<string, string> = {},
): Promise<TempProject> {
  const path = await Deno.makeTempDir({ prefix: "hearth_fresh_" });
  const dir = pathToFileURL(path + "/");
  for (const [name, text] of Object.entries(files)) {
    const file = new URL(name, dir);
    await Deno.mkdir(new URL("./", file), { recursive: true });
    await Deno.writeTextFile(file, text);
  }
  return {
    dir,
    baseUrl: new URL("fresh.gen.ts", dir).href,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** An initialised app over in-memory route modules, with a request helper. */
export interface TestApp<State> {
  app: App<State>;
  /** Sends a request for `path` (or a full Request) through the app. */
  fetch(path: string | Request, init?: RequestInit): Promise<Response>;
}

/** Builds and initialises an app for `routes` whose files live in `project`; `state` seeds `ctx.state`. */
export async function testApp<State>(
  project: TempProject,
  routes: Manifest["routes"],
  state: () => State,
  islands: IslandModules = {},
): Promise<TestApp<State>> {
  const app = new App<State>({
    manifest: { routes, islands, baseUrl: project.baseUrl },
  });
  // ctx.state starts empty, as in Fresh 2: a first middleware fills it.
  app.use(function seedState(ctx) {
    Object.assign(ctx.state as object, state());
    return ctx.next();
  });
  await app.init();
  const handler = app.handler();
  return {
    app,
    fetch: (path, init) =>
      handler(
        typeof path === "string"
          ? new Request(`http://localhost${path}`, init)
          : path,
        SERVE_INFO,
      ),
  };
}

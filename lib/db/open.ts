/** Opening the KV store: the one place Hearth calls `Deno.openKv`. */

/** Where `openDatabase` learns whether it runs on Deno Deploy; the process's environment by default. */
export interface OpenOptions {
  env?: (name: string) => string | undefined;
}

/**
 * Opens the KV store at `path`: a file path, `:memory:` for a throwaway
 * store, or a KV Connect URL. On Deno Deploy the project's own KV opens
 * instead (without a path), and `path` is ignored.
 */
export function openDatabase(
  path: string,
  { env = (name) => Deno.env.get(name) }: OpenOptions = {},
): Promise<Deno.Kv> {
  return env("DENO_DEPLOYMENT_ID") === undefined
    ? Deno.openKv(path)
    : Deno.openKv();
}

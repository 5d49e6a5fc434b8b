/** Opening the KV store: the one place Hearth calls `Deno.openKv`. */

/** Where `openDatabase` learns whether it runs on Deno Deploy; the process's environment by default. */
export interface OpenOptions {
  env?: (name: string) => string | undefined;
}

/** Whether `path` names a KV Connect database (an http or https URL) rather than a file. */
export function isKvConnectUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

// Handles opened on a KV Connect URL: their server may hold them to denokv's limits.
const kvConnectHandles = new WeakSet<Deno.Kv>();

/**
 * Checks one atomic may carry on `kv`: 100 where Deno's own KV runs it (a
 * file, Deno Deploy), 10 through KV Connect, where the self-hosted `denokv`
 * server refuses an atomic with more (HTTP 400, "too many checks").
 */
export function checksPerAtomic(kv: Deno.Kv): number {
  return kvConnectHandles.has(kv) ? 10 : 100;
}

/**
 * Whether `kv` has Deno KV's queue (`enqueue`, `listenQueue`): not through KV
 * Connect, where Deno's client refuses to enqueue and never dequeues.
 */
export function hasQueue(kv: Deno.Kv): boolean {
  return !kvConnectHandles.has(kv);
}

/**
 * Opens the KV store at `path`: a file path, `:memory:` for a throwaway
 * store, or a KV Connect URL. On Deno Deploy the project's own KV opens
 * instead (without a path), and `path` is ignored.
 */
export async function openDatabase(
  path: string,
  { env = (name) => Deno.env.get(name) }: OpenOptions = {},
): Promise<Deno.Kv> {
  if (env("DENO_DEPLOYMENT_ID") !== undefined) return await Deno.openKv();
  const kv = await Deno.openKv(path);
  if (isKvConnectUrl(path)) kvConnectHandles.add(kv);
  return kv;
}

/** Opening the KV store: the one place Hearth calls `Deno.openKv`. */

/** Where `openDatabase` learns whether it runs on Deno Deploy (the process's environment by default), and whether to open a read handle. */
export interface OpenOptions {
  env?: (name: string) => string | undefined;
  /** Also open a second handle on a file, for reads that must not wait behind commits (see `readerOf`). */
  readHandle?: boolean;
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
  { env = (name) => Deno.env.get(name), readHandle = false }: OpenOptions = {},
): Promise<Deno.Kv> {
  if (env("DENO_DEPLOYMENT_ID") !== undefined) return await Deno.openKv();
  const kv = await Deno.openKv(path);
  if (isKvConnectUrl(path)) {
    kvConnectHandles.add(kv);
  } else if (readHandle && path !== ":memory:") {
    try {
      readHandles.set(kv, await Deno.openKv(path));
    } catch (error) {
      kv.close();
      throw error;
    }
  }
  return kv;
}

// Second handles on a file, by the handle that commits. Deno KV serves a
// handle's reads and commits on one SQLite connection, one at a time, so a
// long read (a big channel's member list) waits behind every read and commit
// queued before it: in a storm of connects, thousands. A second
// handle is a second connection; the file is in WAL mode, so its reads do not
// wait for the writer, and each read is a new transaction that sees every
// commit finished before it began: what this process just committed (a
// sign-out, a ban, a leave) is read back at once, as through `kv` itself.
const readHandles = new WeakMap<Deno.Kv, Deno.Kv>();

/**
 * The handle to read `kv`'s data through when the read should not queue
 * behind `kv`'s commits: its second handle on a file opened with
 * `readHandle`, else `kv` itself (`:memory:` has one connection, KV Connect
 * and Deno Deploy read over the network).
 */
export function readerOf(kv: Deno.Kv): Deno.Kv {
  return readHandles.get(kv) ?? kv;
}

/** Closes `kv` and its read handle, if it has one. */
export function closeDatabase(kv: Deno.Kv): void {
  readHandles.get(kv)?.close();
  readHandles.delete(kv);
  kv.close();
}

/**
 * Helpers for suites that run Hearth with `--workers N` as a subprocess:
 * requests each on a new connection (so the kernel picks a worker afresh), and
 * `/healthz` read until every worker has answered, to see who holds sockets.
 */
import { type Spawned, spawnHearth } from "./process.ts";
import { waitFor } from "./deadline.ts";
import type { ApiResponse } from "./api.ts";

/** What /healthz says with workers. */
export interface WorkerHealth {
  worker: number;
  workers: number;
  sockets: number;
}

/** Starts `main.ts --workers <count>` on a fresh database file in `dir`, with fast bcrypt. */
export function spawnWorkers(
  dir: string,
  count: number,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Spawned> {
  return spawnHearth({
    db: `${dir}/hearth.db`,
    args: ["--workers", String(count), ...args],
    env: { HEARTH_BCRYPT_COST: "4", ...env },
  });
}

/** One request on a connection of its own, closed after the answer. */
export async function freshRequest(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown } = {},
): Promise<ApiResponse> {
  const client = Deno.createHttpClient({});
  try {
    return await clientRequest(client, base, method, path, opts);
  } finally {
    client.close();
  }
}

/** One request through `client` (its kept-alive connection stays with one worker). */
export async function clientRequest(
  client: Deno.HttpClient,
  base: string,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(new URL(path, base), {
    method,
    headers,
    body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
    client,
  });
  const text = await res.text();
  let body: unknown = text === "" ? null : text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * HTTP clients, one held by each of `count` workers: each keeps its
 * connection alive, so its requests stay with the worker that /healthz named.
 * The caller closes them.
 */
export async function clientsOnEachWorker(
  base: string,
  count: number,
): Promise<Map<number, Deno.HttpClient>> {
  const held = new Map<number, Deno.HttpClient>();
  await waitFor(async () => {
    const client = Deno.createHttpClient({});
    const res = await clientRequest(client, base, "GET", "/healthz");
    if (held.has(res.body.worker)) client.close();
    else held.set(res.body.worker, client);
    return held.size === count;
  }, { what: `a connection on each of ${count} workers`, timeoutMs: 15_000 });
  return held;
}

/** Asks /healthz on new connections until every one of `count` workers has answered; their latest answers. */
export async function healthOfEach(
  base: string,
  count: number,
): Promise<WorkerHealth[]> {
  const seen = new Map<number, WorkerHealth>();
  await waitFor(async () => {
    const res = await freshRequest(base, "GET", "/healthz");
    if (res.status !== 200) throw new Error(`/healthz: ${res.status}`);
    seen.set(res.body.worker, res.body);
    return seen.size === count;
  }, { what: `/healthz from each of ${count} workers`, timeoutMs: 15_000 });
  return [...seen.values()].sort((a, b) => a.worker - b.worker);
}

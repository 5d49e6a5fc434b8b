/**
 * A KV Connect server for tests: speaks the protocol Deno's own client uses
 * for `Deno.openKv("http://...")` (metadata exchange at the root, then
 * snapshot_read, atomic_write and watch under /v2), over plain HTTP on
 * 127.0.0.1, on the in-memory store of kv_connect_store.ts. It stands in for
 * Deno's self-hosted `denokv`, which cannot be installed here; it is test
 * tooling and nothing in the app imports it.
 *
 * Left out, as Deno's client never needs them or tests do not: protocol
 * version 1 (refused, as denokv refuses it), eventually consistent endpoints
 * (every read is strong), queues (an enqueue is refused; Deno's client
 * refuses to send one anyway), V8-encoded sum/min/max operands and their
 * sum_min/sum_max/clamp (only KvU64 sums, which is what `atomic().sum` sends),
 * a watch waking when a key expires (expired keys are only hidden), durable
 * storage, token refresh (one fixed token; metadata says it expires in a day),
 * and HTTP/2. TLS is there when a test gives a certificate (kv_connect_tls.ts).
 *
 * Run alone (prints `KV Connect test server listening on http://...`):
 *   deno run -A tests/helpers/kv_connect_server.ts [--port N] [--token T]
 */
import { parseArgs } from "node:util";
import {
  type Bytes,
  decodeAtomicWrite,
  decodeSnapshotRead,
  encodeReadOutput,
  encodeWriteOutput,
  type WireWrite,
  WriteStatus,
} from "./kv_connect_proto.ts";
import { BadRequest, KvConnectStore } from "./kv_connect_store.ts";
import { watch } from "./kv_connect_watch.ts";

/** The line a standalone server prints once it listens; group 1 is its URL. */
export const KV_CONNECT_READY = /KV Connect test server listening on (\S+)/;

/** The protocol's limits (as denokv enforces them), so Hearth is held to them here too. */
const LIMITS = {
  keyBytes: 2048,
  valueBytes: 65_536,
  readRanges: 10,
  readEntries: 1000,
  checks: 10,
  mutations: 1000,
  mutationBytes: 819_200,
};

/** A running test server. */
export interface KvConnectServer {
  /** The URL to give `Deno.openKv` (and Hearth's `--db`), e.g. `http://127.0.0.1:4512`. */
  url: string;
  /** The access token clients must send (`DENO_KV_ACCESS_TOKEN`). */
  token: string;
  store: KvConnectStore;
  /** Counts of requests by path, for tests that check what a client did. */
  requests: Map<string, number>;
  /** Ends every watch stream and stops listening. */
  close(): Promise<void>;
}

/** How to start a server: its port (0: any free one), token, and TLS (then its URL is https). */
export interface KvConnectOptions {
  port?: number;
  token?: string;
  tls?: { cert: string; key: string };
}

/** Starts a server on 127.0.0.1. */
export function startKvConnectServer(
  { port = 0, token = `test-token-${crypto.randomUUID()}`, tls }:
    KvConnectOptions = {},
): Promise<KvConnectServer> {
  const store = new KvConnectStore();
  const databaseId = crypto.randomUUID();
  const requests = new Map<string, number>();
  const watches = new Set<() => void>();
  const ac = new AbortController();
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port,
      ...tls,
      signal: ac.signal,
      onListen: ({ port }) =>
        resolve({
          url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
          token,
          store,
          requests,
          async close() {
            for (const end of watches) end();
            ac.abort();
            await server.finished;
          },
        }),
    }, async (request) => {
      const path = new URL(request.url).pathname;
      requests.set(path, (requests.get(path) ?? 0) + 1);
      if (request.method !== "POST") return text(405, "POST only");
      if (bearer(request) !== token) return text(401, "invalid access token");
      try {
        if (path === "/") {
          return metadata(await request.text(), token, databaseId);
        }
        const refused = checkDataHeaders(request, databaseId);
        if (refused) return refused;
        const body = new Uint8Array(await request.arrayBuffer());
        if (path === "/v2/snapshot_read") return snapshotRead(store, body);
        if (path === "/v2/atomic_write") return atomicWrite(store, body);
        if (path === "/v2/watch") return watch(store, body, watches);
        return text(404, "not found");
      } catch (error) {
        // A body that is not the message, or a write the store refuses.
        return text(400, (error as Error).message);
      }
    });
  });
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain" },
  });
}

function protobuf(body: Bytes): Response {
  return new Response(body, {
    headers: { "content-type": "application/x-protobuf" },
  });
}

function bearer(request: Request): string | null {
  const [scheme, value] = (request.headers.get("authorization") ?? "").split(
    " ",
  );
  return scheme?.toLowerCase() === "bearer" ? value ?? null : null;
}

/** The metadata exchange: picks version 3 (else 2), one strong endpoint. */
function metadata(body: string, token: string, databaseId: string): Response {
  const versions: unknown = body === ""
    ? [1]
    : (JSON.parse(body) as { supportedVersions?: unknown }).supportedVersions;
  if (!Array.isArray(versions)) {
    return text(400, "supportedVersions must be an array");
  }
  const version = versions.includes(3) ? 3 : versions.includes(2) ? 2 : null;
  if (version === null) return text(400, "protocol version 2 or 3 required");
  return Response.json({
    version,
    databaseId,
    endpoints: [{ url: "/v2", consistency: "strong" }],
    token,
    expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
  });
}

function checkDataHeaders(
  request: Request,
  databaseId: string,
): Response | null {
  const version = request.headers.get("x-denokv-version");
  if (version !== "2" && version !== "3") {
    return text(400, "x-denokv-version must be 2 or 3");
  }
  if (request.headers.get("x-denokv-database-id") !== databaseId) {
    return text(400, "unknown x-denokv-database-id");
  }
  return null;
}

function snapshotRead(store: KvConnectStore, body: Uint8Array): Response {
  const { ranges } = decodeSnapshotRead(body);
  if (ranges.length > LIMITS.readRanges) {
    throw new BadRequest("too many ranges");
  }
  let entries = 0;
  for (const r of ranges) {
    if (r.limit < 1) throw new BadRequest("range limit must be positive");
    entries += r.limit;
    if (Math.max(r.start.length, r.end.length) > LIMITS.keyBytes + 1) {
      throw new BadRequest("key too large");
    }
  }
  if (entries > LIMITS.readEntries) {
    throw new BadRequest("ranges ask for too many entries");
  }
  return protobuf(encodeReadOutput(ranges.map((r) => store.read(r))));
}

function atomicWrite(store: KvConnectStore, body: Uint8Array): Response {
  const write = decodeAtomicWrite(body);
  checkWriteLimits(write);
  const result = store.write(write);
  return protobuf(
    encodeWriteOutput(
      result.ok
        ? { status: WriteStatus.SUCCESS, versionstamp: result.versionstamp }
        : {
          status: WriteStatus.CHECK_FAILURE,
          failedChecks: result.failedChecks,
        },
    ),
  );
}

function checkWriteLimits(write: WireWrite): void {
  if (write.enqueues.length > 0) {
    throw new BadRequest("queues are not implemented by this server");
  }
  if (write.checks.length > LIMITS.checks) {
    throw new BadRequest("too many checks");
  }
  if (write.mutations.length > LIMITS.mutations) {
    throw new BadRequest("too many mutations");
  }
  let total = 0;
  for (const c of write.checks) {
    if (c.key.length > LIMITS.keyBytes + 1) {
      throw new BadRequest("key too large");
    }
    if (c.versionstamp.length !== 0 && c.versionstamp.length !== 10) {
      throw new BadRequest("invalid versionstamp");
    }
    total += c.key.length;
  }
  for (const m of write.mutations) {
    const bytes = m.value?.data.length ?? 0;
    if (m.key.length > LIMITS.keyBytes) throw new BadRequest("key too large");
    if (bytes > LIMITS.valueBytes) throw new BadRequest("value too large");
    total += m.key.length + bytes;
  }
  if (total > LIMITS.mutationBytes) {
    throw new BadRequest("total mutation size too large");
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string" }, token: { type: "string" } },
  });
  const server = await startKvConnectServer({
    port: Number(values.port ?? 0),
    token: values.token ?? Deno.env.get("DENO_KV_ACCESS_TOKEN") ?? undefined,
  });
  console.log(`KV Connect test server listening on ${server.url}`);
  const stop = async () => {
    await server.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

/**
 * Hearth's HTTP server: `node:http` rather than Deno.serve, because Hearth
 * must own what happens to connections. Deno.serve gives no control over
 * idle or half-sent connections, exits when descriptors run out, and its
 * WebSockets buffer whole messages before the app can refuse them.
 *
 * What this server adds, all measured against real sockets in tests/attack:
 * - a request head must arrive within `headerTimeoutMs` (else 408 and close);
 * - a connection that moves no bytes for `idleTimeoutMs` (a stalled body, an
 *   idle keep-alive) is closed;
 * - at most `perAddress` connections per client address;
 * - a total below the descriptor limit (see connection_guard.ts);
 * - accept errors are logged once and serving goes on, and a listener that
 *   stopped accepting after descriptors ran out listens again (see
 *   accept_watchdog.ts).
 */
import http from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { log } from "../log.ts";
import { watchAccepts, type WatchdogTiming } from "./accept_watchdog.ts";
import {
  type AddressAdmission,
  AddressCap,
  connectionBudget,
  descriptorLimit,
} from "./connection_guard.ts";
import { toRequest, writeRawResponse, writeResponse } from "./node_bridge.ts";
import { offerUpgrade, wasUpgraded } from "./upgrade_slot.ts";
import { Turns, UPGRADES_AT_ONCE } from "./upgrade_turns.ts";

/** The connection facts a request handler gets, as Deno.serve gives them. */
export type ServeInfo = Deno.ServeHandlerInfo<Deno.NetAddr>;

/** Time and count limits on client connections. */
export interface ConnectionLimits {
  /** Longest wait for a complete request head, in ms. */
  headerTimeoutMs: number;
  /** Longest time a connection may move no bytes (body, keep-alive), in ms. */
  idleTimeoutMs: number;
  /** Most connections open at once from one client address (0: no cap). */
  perAddress: number;
}

/** What to listen on, and the limits. */
export interface ServeOptions {
  port: number;
  hostname: string;
  limits: ConnectionLimits;
  /** The descriptor limit to stay under; read from the system when omitted. */
  descriptorLimit?: number;
  /** How the accept watchdog probes (where the descriptor limit is known). */
  watchdog?: WatchdogTiming;
  /**
   * Serving workers of one process listening on this port (`reusePort`, so
   * the kernel spreads connections); each keeps 1/`share` of the descriptors.
   */
  share?: number;
  /** Admits connections per address instead of this server's own cap (one count for every worker). */
  addresses?: AddressAdmission;
  /** Socket handshakes checked at once; the rest wait their turn (see upgrade_turns.ts). */
  upgradesAtOnce?: number;
}

/** A listening server. */
export interface HttpServer {
  addr: Deno.NetAddr;
  /** Stops accepting, waits up to `graceMs` for open requests, then closes every connection. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Starts serving `handler` on `options.port`. */
export async function serveHttp(
  options: ServeOptions,
  handler: (req: Request, info: ServeInfo) => Promise<Response>,
): Promise<HttpServer> {
  const { limits } = options;
  const share = options.share ?? 1;
  const limit = options.descriptorLimit ?? descriptorLimit();
  // Workers of one process share its descriptor table.
  const budget = connectionBudget(
    limit === undefined ? undefined : Math.floor(limit / share),
  );
  const server = http.createServer({
    headersTimeout: limits.headerTimeoutMs,
    // Node's 16 KiB would answer long URLs itself (431, without the envelope);
    // the app judges them, as it did under Deno.serve.
    maxHeaderSize: 64 * 1024,
    // The whole-request clock would cut long uploads; the idle timeout covers stalls.
    requestTimeout: 0,
    keepAliveTimeout: Math.min(5000, limits.idleTimeoutMs),
    // How often head timeouts are checked: a fraction of the timeout itself.
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(1000, limits.headerTimeoutMs / 4),
    ),
  });
  server.timeout = limits.idleTimeoutMs;
  if (budget.maxConnections > 0) server.maxConnections = budget.maxConnections;
  const cap = options.addresses ?? new AddressCap(limits.perAddress);
  server.on("connection", (socket: Socket) => cap.admit(socket));
  let fallbackHost = "localhost";
  // One per connection: its address does not change between its requests.
  const infos = new WeakMap<Socket, ServeInfo>();
  const infoOf = (socket: Socket): ServeInfo => {
    let info = infos.get(socket);
    if (!info) {
      info = {
        remoteAddr: {
          transport: "tcp",
          hostname: socket.remoteAddress ?? "",
          port: socket.remotePort ?? 0,
        },
        completed: Promise.resolve(),
      };
      infos.set(socket, info);
    }
    return info;
  };

  const answer = async (request: Request, socket: Socket) =>
    await handler(request, infoOf(socket));

  server.on("request", (req, res) => {
    let request: Request;
    try {
      request = toRequest(req, fallbackHost, true);
    } catch {
      res.statusCode = 400;
      res.setHeader("connection", "close");
      return void res.end();
    }
    answer(request, req.socket)
      .then(async (response) => {
        if (!req.complete) lingerOnClose(req.socket);
        await writeResponse(res, response, req.method === "HEAD");
        // A body the app never read would hold up the connection's next request.
        if (!req.complete) {
          req.removeAllListeners("data");
          req.resume();
        }
      })
      .catch((error) => {
        log("error", "writing a response failed", { error: String(error) });
        res.destroy();
      });
  });

  // Node's server forgets a connection once it is upgraded: neither
  // closeAllConnections() nor its timeouts reach it, and close() waits for it.
  const upgraded = new Set<Duplex>();
  const turns = new Turns(options.upgradesAtOnce ?? UPGRADES_AT_ONCE);
  server.on("upgrade", (req, socket: Duplex, head: Uint8Array) => {
    trackUpgraded(upgraded, socket);
    turns.take((done) => {
      // Gone while it waited (the client gave up, or shutdown): no work.
      if (socket.destroyed) return done();
      let request: Request;
      try {
        request = toRequest(req, fallbackHost, false);
      } catch {
        socket.destroy();
        return done();
      }
      offerUpgrade(request, { req, socket, head });
      answer(request, req.socket)
        .then(async (response) => {
          done();
          if (wasUpgraded(request)) return;
          await writeRawResponse(socket, response);
          // Answered and half-closed: read the peer's FIN, but not for ever.
          lingerThenDestroy(socket);
        })
        .catch(() => {
          done();
          socket.destroy();
        });
    });
  });

  const logged = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      // The same error Deno.listen would give, so callers can tell a busy port.
      reject(
        error.code === "EADDRINUSE"
          ? new Deno.errors.AddrInUse(error.message)
          : error,
      );
    });
    server.listen(
      {
        port: options.port,
        host: options.hostname,
        backlog: budget.backlog,
        ...share > 1 ? { reusePort: true } : {},
      },
      () => {
        server.removeAllListeners("error");
        server.on("error", (error: NodeJS.ErrnoException) => {
          // An accept error must not end the server; say it once per kind.
          const kind = error.code ?? error.message;
          if (logged.has(kind)) return;
          logged.add(kind);
          log("error", "accepting connections failed", { error: kind });
        });
        resolve();
      },
    );
  });
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("The server has no TCP address");
  }
  fallbackHost = `${options.hostname}:${address.port}`;
  // Only where descriptors can run out as measured: with a known limit (Linux).
  const stopWatching = budget.maxConnections > 0
    ? watchAccepts(
      server,
      {
        port: address.port,
        host: options.hostname,
        backlog: budget.backlog,
        ...share > 1 ? { reusePort: true } : {},
      },
      budget.maxConnections,
      options.watchdog,
    )
    : () => {};
  let closing: Promise<void> | null = null;
  return {
    addr: { transport: "tcp", hostname: address.address, port: address.port },
    shutdown(graceMs = 10_000) {
      stopWatching();
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of upgraded) socket.destroy();
        }, graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/**
 * Keeps `socket` in `upgraded` until it closes. Its own function so that the
 * listeners, which live as long as the socket, hold only the socket: closures
 * of one scope share what they capture, and listeners made next to the
 * upgrade's Request kept every Request (and its head) alive with its socket.
 */
function trackUpgraded(upgraded: Set<Duplex>, socket: Duplex): void {
  // Errors on a socket nobody reads yet must not become uncaught.
  socket.on("error", () => {});
  upgraded.add(socket);
  socket.once("close", () => upgraded.delete(socket));
}

/** How long a connection closed under a refused body still takes (and drops) bytes. */
const LINGER_MS = 2000;

/**
 * An answer given before its body was read (a 413) closes the connection. A
 * plain close while the client is still sending makes the kernel reset the
 * connection, and a client that is busy writing then loses the answer too. So
 * the socket sends its FIN, drops what still arrives for a moment, then goes.
 */
function lingerOnClose(socket: Socket): void {
  const lingering = socket as Socket & { destroySoon?: () => void };
  lingering.destroySoon = () => {
    socket.end();
    lingerThenDestroy(socket);
  };
}

/** Drops what a half-closed `socket` still receives, and destroys it after {@linkcode LINGER_MS}. */
function lingerThenDestroy(socket: Duplex): void {
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once("close", () => clearTimeout(timer));
}

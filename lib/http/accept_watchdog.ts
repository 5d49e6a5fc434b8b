/**
 * Keeps a `node:http` server accepting after descriptors ran out.
 *
 * Deno 2.9's `node:net` listener stops accepting for good when `accept` fails
 * with EMFILE or ENFILE: no error event, no retry (measured under
 * `ulimit -n 128`: after the descriptors came back, nothing was ever answered
 * again). The connection budget keeps client connections from using them up,
 * but files, KV, workers and outgoing requests use descriptors too. So the
 * watchdog connects to its own server every `everyMs`: when the listener took
 * the connection, all is well. When the probe could not even open a
 * connection (descriptors were out), the first probe afterwards that is not
 * taken within `timeoutMs` counts; otherwise only `misses` in a row with no
 * other connection accepted meanwhile (a busy server is slow, not stalled)
 * do. Then it closes the listening socket
 * and listen again on the same address, logging once per outage. Connections
 * already open are kept. While descriptors are still out (the probe itself
 * cannot connect) it waits for the next round, so the port is never left closed.
 */
import type http from "node:http";
import net, { type Socket } from "node:net";
import { log } from "../log.ts";

/** Where the server listens, as `listen` takes it again. */
export interface ListenAddress {
  port: number;
  host: string;
  backlog: number;
  /** Set where several workers listen on the port (see serve.ts). */
  reusePort?: boolean;
}

/** How often to look, how long an accept may take, and how many misses in a row mean a stall. */
export interface WatchdogTiming {
  everyMs: number;
  timeoutMs: number;
  misses: number;
}

/**
 * The default rhythm: a listener stalled while the probe itself could not get
 * a descriptor is back within about three seconds of them coming back; one
 * stalled unseen, within about eight.
 */
export const WATCHDOG_TIMING: WatchdogTiming = {
  everyMs: 1000,
  timeoutMs: 1500,
  misses: 3,
};

/** Starts watching `server` (listening on `address`); returns the function that stops it. */
export function watchAccepts(
  server: http.Server,
  address: ListenAddress,
  maxConnections: number,
  timing: WatchdogTiming = WATCHDOG_TIMING,
): () => void {
  const waiting = new Map<number, () => void>();
  // Connections accepted while a probe was connecting, by client port: the
  // listener often takes the probe before `Deno.connect` has even resolved,
  // so before the probe knows its own port to wait for.
  const early = new Map<number, Socket>();
  let connecting = false;
  let acceptedCount = 0;
  const onConnection = (socket: Socket) => {
    acceptedCount++;
    const port = socket.remotePort ?? -1;
    const accepted = waiting.get(port);
    if (accepted === undefined) {
      if (connecting) early.set(port, socket);
      return;
    }
    socket.destroy();
    accepted();
  };
  server.prependListener("connection", onConnection);
  let stopped = false;
  let outage = false;
  let missed = 0;
  let acceptedBefore = 0;
  // The probe itself found no descriptor: the listener has surely failed too.
  let starved = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const atCapacity = () =>
    new Promise<boolean>((resolve) =>
      server.getConnections((error, count) =>
        resolve(!error && maxConnections > 0 && count >= maxConnections)
      )
    );

  // Whether a connection to the server is accepted in time; null when none could be opened.
  const probe = async (): Promise<boolean | null> => {
    let conn: Deno.TcpConn;
    connecting = true;
    try {
      conn = await Deno.connect({ hostname: address.host, port: address.port });
    } catch {
      return null;
    } finally {
      connecting = false;
    }
    const port = conn.localAddr.port;
    const taken = early.get(port);
    early.clear();
    const from = taken?.remoteAddress?.replace(/^::ffff:/, "");
    if (taken !== undefined && from === conn.localAddr.hostname) {
      taken.destroy();
      conn.close();
      return true;
    }
    try {
      return await new Promise<boolean>((resolve) => {
        const timeout = setTimeout(() => resolve(false), timing.timeoutMs);
        waiting.set(port, () => {
          clearTimeout(timeout);
          resolve(true);
        });
      });
    } finally {
      waiting.delete(port);
      conn.close();
    }
  };

  const relisten = () => {
    if (!outage) {
      outage = true;
      log("warn", "accepting connections had stopped: listening again", {
        port: address.port,
      });
    }
    // net.Server's close, not http.Server's: that one also drops idle
    // keep-alive connections, which are fine.
    if (server.listening) net.Server.prototype.close.call(server);
    server.listen(address);
  };

  const round = async () => {
    if (!server.listening) return relisten();
    if (missed === 0) acceptedBefore = acceptedCount;
    const accepted = await probe();
    if (stopped) return;
    if (accepted === null) {
      starved = true;
      return;
    }
    if (accepted || acceptedCount > acceptedBefore + missed + 1) {
      if (outage) log("info", "accepting connections again");
      outage = false;
      missed = 0;
      starved = false;
    } else if (
      ++missed >= (starved ? 1 : timing.misses) && !await atCapacity()
    ) {
      missed = 0;
      starved = false;
      relisten();
    }
  };

  const schedule = () => {
    const next = setTimeout(async () => {
      try {
        await round();
      } catch (error) {
        log("error", "the accept watchdog failed", { error: String(error) });
      }
      if (!stopped) schedule();
    }, timing.everyMs);
    Deno.unrefTimer(next);
    timer = next;
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    server.off("connection", onConnection);
  };
}

/**
 * Where a request that asked to upgrade keeps its raw connection until a
 * route decides. The HTTP server puts it here; the socket layer takes it to
 * complete the WebSocket handshake itself, so the server can tell afterwards
 * whether the connection still needs an ordinary answer.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** The parts of an `upgrade` event a WebSocket handshake needs. */
export interface RawUpgrade {
  req: IncomingMessage;
  socket: Duplex;
  /** Bytes the client sent after the request head. */
  head: Uint8Array;
}

const pending = new WeakMap<Request, RawUpgrade>();
const taken = new WeakSet<Request>();

/** Lends `raw` to whoever handles `request`. */
export function offerUpgrade(request: Request, raw: RawUpgrade): void {
  pending.set(request, raw);
}

/** Takes the raw connection of `request` (once); undefined when it has none. */
export function takeUpgrade(request: Request): RawUpgrade | undefined {
  const raw = pending.get(request);
  if (raw === undefined || taken.has(request)) return undefined;
  taken.add(request);
  return raw;
}

/** Whether the connection of `request` was taken over by a socket. */
export function wasUpgraded(request: Request): boolean {
  return taken.has(request);
}

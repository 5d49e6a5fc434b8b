import type { Config } from "./config.ts";

/** The long-lived things a request may need: storage, settings, open sockets. */
export interface Services {
  kv: Deno.Kv;
  config: Config;
  /** Open WebSockets, closed with 1001 when the server shuts down. */
  sockets: Set<WebSocket>;
}

/** Opens the KV store and everything built on it. */
export async function openServices(config: Config): Promise<Services> {
  const kv = await Deno.openKv(
    config.db === ":memory:" ? ":memory:" : config.db,
  );
  return { kv, config, sockets: new Set() };
}

/** Closes sockets with 1001 ("going away") and then the KV store. */
export function closeServices(services: Services): void {
  for (const socket of services.sockets) {
    try {
      socket.close(1001, "Server shutting down");
    } catch {
      // Already closing: nothing more to do for this one.
    }
  }
  services.sockets.clear();
  services.kv.close();
}

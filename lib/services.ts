import { PasswordHasher } from "./auth/password.ts";
import {
  LOGIN_FAILURES,
  RateLimiter,
  REGISTRATIONS,
} from "./auth/rate_limit.ts";
import { loadSigningKey } from "./auth/secret.ts";
import type { Config } from "./config.ts";
import { Hub } from "./realtime/hub.ts";
import { Presence } from "./realtime/presence.ts";

/** The long-lived things a request may need: storage, settings, keys, open sockets. */
export interface Services {
  kv: Deno.Kv;
  config: Config;
  /** HS256 key for access tokens. */
  signingKey: Uint8Array;
  /** bcrypt on worker threads, so hashing never stalls sockets. */
  hasher: PasswordHasher;
  limits: { loginFailures: RateLimiter; registrations: RateLimiter };
  /** The one fan-out point for live events. */
  hub: Hub;
  /** Who has a socket open on this instance. */
  presence: Presence;
  /** Open WebSockets, closed with 1001 when the server shuts down. */
  sockets: Set<WebSocket>;
}

/** Opens the KV store and everything built on it. */
export async function openServices(config: Config): Promise<Services> {
  const kv = await Deno.openKv(config.db);
  try {
    return {
      kv,
      config,
      signingKey: await loadSigningKey(kv, config.secret),
      hasher: new PasswordHasher({ cost: config.passwordCost }),
      limits: {
        loginFailures: new RateLimiter(kv, LOGIN_FAILURES),
        registrations: new RateLimiter(kv, REGISTRATIONS),
      },
      // Instances sharing one KV (Deno Deploy isolates) relay events to each other.
      hub: new Hub({ relay: config.relay }),
      presence: new Presence(),
      sockets: new Set(),
    };
  } catch (error) {
    kv.close();
    throw error;
  }
}

/** Closes sockets with 1001 ("going away"), the hashing workers, then the KV store. */
export function closeServices(services: Services): void {
  for (const socket of services.sockets) {
    try {
      socket.close(1001, "Server shutting down");
    } catch {
      // Already closing: nothing more to do for this one.
    }
  }
  services.sockets.clear();
  services.hub.close();
  services.hasher.close();
  services.kv.close();
}

/**
 * The limits on open connections: a cap per client address, and a total kept
 * below the process's descriptor limit.
 *
 * The total matters because Deno 2.9's `node:net` listener, when `accept`
 * fails with EMFILE, drops the error and stops polling: the server lives but
 * never answers again (measured under `ulimit -n 256`). Deno.serve exits
 * instead. So Hearth never lets the descriptors run out: it keeps the listen
 * backlog small (the runtime accepts a whole backlog in one go) and closes new
 * connections beyond the total at once.
 */
import type { Socket } from "node:net";
import { log } from "../log.ts";

/** Descriptors kept for everything but client connections (KV, workers, files, stdio). */
const RESERVED_DESCRIPTORS = 64;

/** How often a repeated refusal is logged again, at most. */
const LOG_EVERY_MS = 60_000;

/** The listen backlog and the most connections open at once, for a descriptor limit. */
export interface ConnectionBudget {
  backlog: number;
  maxConnections: number;
}

/** The soft limit on open descriptors, from /proc on Linux; undefined elsewhere (Deploy, macOS). */
export function descriptorLimit(): number | undefined {
  try {
    const text = Deno.readTextFileSync("/proc/self/limits");
    const match = text.match(/^Max open files\s+(\d+)/m);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits `limit` descriptors between the backlog, the reserve and connections. */
export function connectionBudget(limit: number | undefined): ConnectionBudget {
  if (limit === undefined) return { backlog: 511, maxConnections: 0 };
  const backlog = Math.min(511, Math.max(8, Math.floor(limit / 8)));
  return {
    backlog,
    maxConnections: Math.max(16, limit - RESERVED_DESCRIPTORS - backlog),
  };
}

/** Admits a new connection or destroys it (a per-address cap). */
export interface AddressAdmission {
  /** Admits `socket` or destroys it; answers whether it was admitted. */
  admit(socket: Socket): boolean;
}

/** Counts open connections per client address and refuses those past `perAddress` (0: no cap). */
export class AddressCap implements AddressAdmission {
  #open = new Map<string, number>();
  #perAddress: number;
  #loggedAt = -Infinity;

  /** A cap of `perAddress` connections per address. */
  constructor(perAddress: number) {
    this.#perAddress = perAddress;
  }

  /** Admits `socket` or destroys it; an admitted one is counted until it closes. */
  admit(socket: Socket): boolean {
    // Already done with (the accept watchdog's own probe): it holds no share.
    if (socket.destroyed) return false;
    const address = socket.remoteAddress ?? "";
    if (!this.take(address)) {
      socket.destroy();
      return false;
    }
    socket.once("close", () => this.release(address));
    return true;
  }

  /** Counts one more connection from `address`, or answers false past the cap. */
  take(address: string): boolean {
    const open = (this.#open.get(address) ?? 0) + 1;
    if (this.#perAddress > 0 && open > this.#perAddress) {
      this.#note(address);
      return false;
    }
    this.#open.set(address, open);
    return true;
  }

  /** Counts one connection from `address` less (one `take` closed). */
  release(address: string): void {
    const left = (this.#open.get(address) ?? 1) - 1;
    if (left > 0) this.#open.set(address, left);
    else this.#open.delete(address);
  }

  /** Connections open from `address`. */
  openFrom(address: string): number {
    return this.#open.get(address) ?? 0;
  }

  #note(address: string): void {
    const now = Date.now();
    if (now - this.#loggedAt < LOG_EVERY_MS) return;
    this.#loggedAt = now;
    log("warn", "connections refused: too many from one address", {
      address,
      perAddress: this.#perAddress,
    });
  }
}

/**
 * The main thread's side of the per-process counts: per-user message and
 * socket caps and the per-address connection cap, kept once for every serving
 * worker, so N workers do not make them N times looser. Each worker talks to
 * it over its own MessagePort; what a worker holds is released when it ends.
 */
import { ApiError } from "../errors.ts";
import { type UserLimits, UserQuotas } from "../chat/user_limits.ts";
import { AddressCap } from "../http/connection_guard.ts";
import type { BrokerAnswer, BrokerRequest } from "./broker_protocol.ts";

/** One process's counts, answering every worker's port. */
export class QuotaBroker {
  readonly #quotas: UserQuotas;
  readonly #addresses: AddressCap;
  // What each granted ticket gives back when released.
  readonly #tickets = new Map<number, () => void>();
  #nextTicket = 1;

  /** Counts for `limits` and `perAddress` connections per address (0: no cap). */
  constructor(limits: UserLimits, perAddress: number) {
    this.#quotas = new UserQuotas(limits);
    this.#addresses = new AddressCap(perAddress);
  }

  /** Answers `port`'s requests; the returned function releases all it still holds (its worker ended). */
  serve(port: MessagePort): () => void {
    const held = new Set<number>();
    port.onmessage = (event: MessageEvent<BrokerRequest>) => {
      const request = event.data;
      if (request.op === "release") {
        held.delete(request.ticket);
        return this.#release(request.ticket);
      }
      const answer = this.#answer(request);
      if (answer.ok && answer.ticket !== undefined) held.add(answer.ticket);
      port.postMessage(answer);
    };
    return () => {
      port.onmessage = null;
      for (const ticket of held) this.#release(ticket);
      held.clear();
      port.close();
    };
  }

  #answer(
    request: Exclude<BrokerRequest, { op: "release" }>,
  ): BrokerAnswer {
    const { id } = request;
    try {
      switch (request.op) {
        case "message":
          this.#quotas.takeMessage(request.userId);
          return { id, ok: true };
        case "socket":
          return {
            id,
            ok: true,
            ticket: this.#grant(this.#quotas.openSocket(request.userId)),
          };
        case "connection": {
          const { address } = request;
          if (!this.#addresses.take(address)) return { id, ok: false };
          return {
            id,
            ok: true,
            ticket: this.#grant(() => this.#addresses.release(address)),
          };
        }
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const { status, code, message: detail, headers } = error;
      return { id, ok: false, refusal: { status, code, detail, headers } };
    }
  }

  #grant(release: () => void): number {
    const ticket = this.#nextTicket++;
    this.#tickets.set(ticket, release);
    return ticket;
  }

  #release(ticket: number): void {
    this.#tickets.get(ticket)?.();
    this.#tickets.delete(ticket);
  }
}

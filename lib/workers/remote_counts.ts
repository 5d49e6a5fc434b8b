/**
 * A serving worker's side of the per-process counts: the per-user caps and
 * the per-address connection cap, asked of the main thread (quota_broker.ts)
 * over a MessagePort. Answers come back in the order asked, so frames of one
 * socket keep their order through the message cap.
 */
import type { Socket } from "node:net";
import { ApiError } from "../errors.ts";
import type { Quotas, UserLimits } from "../chat/user_limits.ts";
import type { AddressAdmission } from "../http/connection_guard.ts";
import type { BrokerAnswer, BrokerRequest } from "./broker_protocol.ts";

type Ask = BrokerRequest extends infer R
  ? R extends { id: number } ? Omit<R, "id"> : never
  : never;

/** Requests to the main thread's broker, each with a promise of its answer. */
export class BrokerClient {
  readonly #port: MessagePort;
  readonly #waiting = new Map<number, (answer: BrokerAnswer) => void>();
  #nextId = 1;

  /** A client on `port` (the other end is served by `QuotaBroker.serve`). */
  constructor(port: MessagePort) {
    this.#port = port;
    port.onmessage = (event: MessageEvent<BrokerAnswer>) => {
      const answer = event.data;
      this.#waiting.get(answer.id)?.(answer);
      this.#waiting.delete(answer.id);
    };
  }

  /** Sends `ask` and resolves with its answer. */
  ask(ask: Ask): Promise<BrokerAnswer> {
    const id = this.#nextId++;
    const { promise, resolve } = Promise.withResolvers<BrokerAnswer>();
    this.#waiting.set(id, resolve);
    this.#port.postMessage({ ...ask, id } as BrokerRequest);
    return promise;
  }

  /** Gives back what `ticket` holds (a socket, a connection). */
  release(ticket: number): void {
    this.#port.postMessage({ op: "release", ticket } satisfies BrokerRequest);
  }

  /** Stops listening; the main thread releases what this worker still held. */
  close(): void {
    this.#port.onmessage = null;
    this.#port.close();
  }
}

/** The per-user caps, counted on the main thread for every worker. */
export class RemoteQuotas implements Quotas {
  readonly limits: UserLimits;
  readonly #broker: BrokerClient;

  /** Caps `limits` (the broker holds the same), asked through `broker`. */
  constructor(limits: UserLimits, broker: BrokerClient) {
    this.limits = limits;
    this.#broker = broker;
  }

  /** Spends one message of `userId`'s process-wide budget, or rejects with a 429. */
  async takeMessage(userId: string): Promise<void> {
    if (!this.limits.enabled) return;
    refuseUnless(await this.#broker.ask({ op: "message", userId }));
  }

  /** Counts a socket of `userId` process-wide, or rejects with a 429. */
  async openSocket(userId: string): Promise<() => void> {
    const answer = await this.#broker.ask({ op: "socket", userId });
    refuseUnless(answer);
    let released = false;
    return () => {
      if (released || !answer.ok || answer.ticket === undefined) return;
      released = true;
      this.#broker.release(answer.ticket);
    };
  }
}

/**
 * The per-address cap over every worker: a connection is let in at once and
 * closed when the main thread's count says its address is past the cap (a
 * moment later; this worker's own count refuses at once what is surely over).
 */
export class RemoteAddressCap implements AddressAdmission {
  readonly #perAddress: number;
  readonly #broker: BrokerClient;
  readonly #open = new Map<string, number>();

  /** A cap of `perAddress` (0: none) kept through `broker`. */
  constructor(perAddress: number, broker: BrokerClient) {
    this.#perAddress = perAddress;
    this.#broker = broker;
  }

  /** Admits `socket` for now, or destroys it when this worker alone is past the cap. */
  admit(socket: Socket): boolean {
    if (socket.destroyed) return false;
    if (this.#perAddress === 0) return true;
    const address = socket.remoteAddress ?? "";
    const open = (this.#open.get(address) ?? 0) + 1;
    if (open > this.#perAddress) {
      socket.destroy();
      return false;
    }
    this.#open.set(address, open);
    let closed = false;
    let ticket: number | undefined;
    socket.once("close", () => {
      closed = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
      if (ticket !== undefined) this.#broker.release(ticket);
    });
    this.#broker.ask({ op: "connection", address }).then((answer) => {
      if (!answer.ok) return void socket.destroy();
      ticket = answer.ticket;
      // Closed while the answer was on its way: give the share back now.
      if (closed && ticket !== undefined) this.#broker.release(ticket);
    });
    return true;
  }
}

function refuseUnless(answer: BrokerAnswer): void {
  if (answer.ok) return;
  const { status, code, detail, headers } = answer.refusal ?? {
    status: 429,
    code: "rate_limited",
    detail: "Refused",
    headers: {},
  };
  throw new ApiError(status, code, detail, headers);
}

/**
 * The messages between a serving worker and the main thread about what the
 * process counts once: per-user messages and sockets, and connections per
 * client address. Requests with an `id` get one answer with that `id`.
 */

/** What a worker asks or tells the main thread. */
export type BrokerRequest =
  | { op: "message"; id: number; userId: string }
  | { op: "socket"; id: number; userId: string }
  | { op: "connection"; id: number; address: string }
  | { op: "release"; ticket: number };

/** A refusal as the use case would have thrown it (an ApiError's fields). */
export interface Refusal {
  status: number;
  code: string;
  detail: string;
  headers: Record<string, string>;
}

/** The answer to a request: granted (with a ticket to release later) or refused. */
export type BrokerAnswer =
  | { id: number; ok: true; ticket?: number }
  | { id: number; ok: false; refusal?: Refusal };

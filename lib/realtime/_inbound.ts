/** Client-to-server side of a channel socket: size limits, parsing, and handling in order. */
import { MAX_FRAME_BYTES } from "../shared/limits.ts";
import type { ClientFrame, ErrorFrame } from "../shared/wire.ts";
import { parseClientFrame } from "./frames.ts";
import { errorFields, log } from "../log.ts";

/** What an `error` frame says beside its code: which send, and when to try again. */
export type Refusal = Pick<ErrorFrame, "clientId" | "retryAfter" | "until">;

/** What {@linkcode Inbound} reports back to its session. */
export interface InboundOptions {
  /** Handles one valid frame; ApiError-like throws are answered with their code. */
  onFrame(frame: ClientFrame): Promise<void>;
  /** Queues an `error` frame to the client, with what else it says about the refusal. */
  sendError(code: string, detail: string, extra?: Refusal): void;
  /** Closes the socket with 1009; the client sent more than {@linkcode MAX_FRAME_BYTES}. */
  tooLarge(): void;
}

// Frames accepted but not yet handled; past this a client is flooding.
const MAX_PENDING_FRAMES = 16;

/** Parses client frames and hands valid ones to the app in the order they came. */
export class Inbound {
  #opts: InboundOptions;
  #pending = 0;

  /** Reports frames and problems through `opts`. */
  constructor(opts: InboundOptions) {
    this.#opts = opts;
  }

  /** Takes the `data` of one socket `message` event. */
  receive(data: unknown): void {
    if (typeof data !== "string") {
      // Server sockets get ArrayBuffers. Binary means nothing in this protocol,
      // but a small one is only a client bug: answer it and keep the socket.
      const size = data instanceof ArrayBuffer
        ? data.byteLength
        : data instanceof Blob
        ? data.size
        : 0;
      if (size > MAX_FRAME_BYTES) this.#opts.tooLarge();
      else {
        this.#opts.sendError(
          "binary_not_supported",
          "Binary frames are not supported; send JSON text",
        );
      }
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      if (parsed.code === "frame_too_large") this.#opts.tooLarge();
      else {
        this.#opts.sendError(
          parsed.code,
          parsed.detail,
          parsed.clientId === undefined ? {} : { clientId: parsed.clientId },
        );
      }
      return;
    }
    if (this.#pending >= MAX_PENDING_FRAMES) {
      this.#opts.sendError(
        "rate_limited",
        "Too many frames at once; slow down",
        refusalOf(parsed.frame, {}),
      );
      return;
    }
    // One at a time, so a client's messages are stored in the order it sent them.
    this.#pending++;
    // Handled at once, not one after another: a handler that stores a message
    // queues it before its first await, so order is kept while a sender's
    // frames share commits instead of waiting for each other's.
    void this.#handle(parsed.frame).finally(() => this.#pending--);
  }

  async #handle(frame: ClientFrame): Promise<void> {
    try {
      await this.#opts.onFrame(frame);
    } catch (err) {
      const clientId = clientIdOf(frame);
      if (isApiErrorLike(err)) {
        // 4xx is the client's doing; only server faults are worth a log line.
        if (err.status >= 500) {
          log("error", "client frame failed", errorFields(err));
        }
        this.#opts.sendError(err.code, err.message, refusalOf(frame, err));
      } else {
        log("error", "client frame failed", errorFields(err));
        this.#opts.sendError(
          "internal_error",
          "The server could not handle that frame",
          clientId === undefined ? {} : { clientId },
        );
      }
    }
  }
}

function clientIdOf(frame: ClientFrame): string | undefined {
  return "clientId" in frame ? frame.clientId : undefined;
}

// Which send was refused, for how long a rate limit holds, until when a timeout does.
function refusalOf(
  frame: ClientFrame,
  err: { headers?: unknown; fields?: Record<string, string> },
): Refusal {
  const extra: Refusal = {};
  const clientId = clientIdOf(frame);
  if (clientId !== undefined) extra.clientId = clientId;
  const headers = err.headers as Record<string, string> | undefined;
  const retryAfter = Number(headers?.["Retry-After"]);
  if (retryAfter > 0) extra.retryAfter = retryAfter;
  if (err.fields?.until !== undefined) extra.until = err.fields.until;
  return extra;
}

function isApiErrorLike(
  err: unknown,
): err is {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
  headers?: unknown;
} {
  if (typeof err !== "object" || err === null) return false;
  const { status, code, message } = err as Record<string, unknown>;
  return typeof status === "number" && typeof code === "string" &&
    typeof message === "string";
}

/**
 * Shared pieces for the realtime tests: message factories, an in-memory
 * message store, a real server on 127.0.0.1 and a frame-collecting client.
 */
import {
  DEFAULT_DEADLINE_MS,
  withDeadline,
} from "../../tests/helpers/deadline.ts";
import type { Message, ServerFrame } from "../shared/wire.ts";
import { type Hub, messageEvent } from "./hub.ts";
import type {
  ChannelSession,
  ChannelSessionOptions,
} from "./channel_session.ts";
import { upgradeChannelSocket } from "./channel_upgrade.ts";
import { serveHttp } from "../http/serve.ts";

// Generous: these tests are about sessions, not connection limits.
const TEST_LIMITS = {
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  perAddress: 0,
};

/** A message with `seq` in `channelId`; content defaults to `"message <seq>"`. */
export function makeMessage(
  channelId: string,
  seq: number,
  content = `message ${seq}`,
): Message {
  return {
    id: `m${seq}`,
    channelId,
    seq,
    author: { id: "u1", username: "ada", displayName: "Ada" },
    content,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    file: null,
    rev: seq,
    reactions: [],
    mentions: [],
  };
}

/** Resolves after `ms`; for proving that something does not happen, not for waiting on it. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The integers from `from` to `to`, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The seq of the last `message` frame in `frames`, or 0 if there is none. */
export function lastMessageSeq(frames: ServerFrame[]): number {
  const last = frames.findLast((f) => f.type === "message");
  return last?.type === "message" ? last.message.seq : 0;
}

/** Stores a message and publishes it, as the data layer plus route would. */
export function post(hub: Hub, store: MemoryStore, content?: string): number {
  const message = store.add(content);
  hub.publish(store.channelId, messageEvent(message));
  return message.seq;
}

/** An in-memory channel history standing in for the KV data layer. */
export class MemoryStore {
  /** Stored messages, seq 1 first. */
  readonly messages: Message[] = [];
  /** Artificial latency of every `loadAfter`, to widen the backfill race. */
  delayMs = 0;
  /** Runs during each `loadAfter`, after its page is read, e.g. to publish mid-backfill. */
  onLoad: (afterSeq: number) => void = () => {};
  /** Number of `loadAfter` calls so far. */
  loads = 0;

  constructor(readonly channelId: string) {}

  /** Stores the next message and returns it (publishing is the caller's job). */
  add(content?: string): Message {
    const message = makeMessage(
      this.channelId,
      this.messages.length + 1,
      content,
    );
    this.messages.push(message);
    return message;
  }

  /** Messages with seq > `afterSeq`, oldest first, at most `limit`. */
  loadAfter = async (afterSeq: number, limit: number): Promise<Message[]> => {
    this.loads++;
    // Read first, then let messages arrive while the answer is "in flight",
    // as with a real database round trip.
    const page = this.messages.slice(afterSeq, afterSeq + limit);
    this.onLoad(afterSeq);
    if (this.delayMs > 0) await delay(this.delayMs);
    return page;
  };

  /** Highest stored seq. */
  lastSeq = (): Promise<number> => Promise.resolve(this.messages.length);
}

/** A running test server whose sockets each get a ChannelSession. */
export interface TestServer {
  /** Base `ws://` URL; add `?after=N&name=X` as needed. */
  url: string;
  /** Sessions by the `name` query parameter of their request. */
  sessions: Map<string, ChannelSession>;
  /** Resolves when the session named `name` exists (fails after 10 s). */
  session(name: string): Promise<ChannelSession>;
  /** Closes every session and stops the server. */
  close(): Promise<void>;
}

/** Serves channel sockets on 127.0.0.1, port 0, built from `options`. */
export async function startServer(
  hub: Hub,
  store: MemoryStore,
  options: Partial<ChannelSessionOptions> = {},
  idleTimeout?: number,
): Promise<TestServer> {
  const sessions = new Map<string, ChannelSession>();
  const waiters = new Map<string, (s: ChannelSession) => void>();
  const server = await serveHttp(
    { hostname: "127.0.0.1", port: 0, limits: TEST_LIMITS },
    (req) => {
      const params = new URL(req.url).searchParams;
      const after = params.get("after");
      const name = params.get("name") ?? crypto.randomUUID();
      const { response, session } = upgradeChannelSocket(req, {
        channelId: store.channelId,
        hub,
        afterSeq: after === null ? undefined : Number(after),
        loadAfter: store.loadAfter,
        lastSeq: store.lastSeq,
        onClientFrame: () => Promise.resolve(),
        ...options,
      }, idleTimeout);
      sessions.set(name, session);
      waiters.get(name)?.(session);
      return Promise.resolve(response);
    },
  );
  return {
    url: `ws://127.0.0.1:${server.addr.port}/`,
    sessions,
    session(name) {
      const found = sessions.get(name);
      if (found) return Promise.resolve(found);
      return withDeadline(
        new Promise((resolve) => waiters.set(name, resolve)),
        DEFAULT_DEADLINE_MS,
        `The session named "${name}"`,
      );
    },
    async close() {
      for (const session of sessions.values()) session.close(1001, "Shutdown");
      await withDeadline(
        Promise.all([...sessions.values()].map((s) => s.closed)),
        DEFAULT_DEADLINE_MS,
        "Every session closing at shutdown",
      );
      await server.shutdown();
    },
  };
}

/** A browser-like client that records every frame and close it sees. */
export class TestClient {
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  /** Settles with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  #changed: () => void = () => {};

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      this.frames.push(JSON.parse(e.data));
      this.#changed();
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (e) => {
        resolve({ code: e.code, reason: e.reason });
        this.#changed();
      };
    });
  }

  /** Opens a socket to `url` and waits until it is open. */
  static async connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
      }),
      DEFAULT_DEADLINE_MS,
      `Opening a WebSocket to ${url}`,
    );
    return client;
  }

  /** Sends raw text or bytes. */
  send(data: string | Uint8Array<ArrayBuffer>): void {
    this.#ws.send(data);
  }

  /** Frames of type `message`, as their seqs. */
  seqs(): number[] {
    return this.frames.flatMap((f) =>
      f.type === "message" ? [f.message.seq] : []
    );
  }

  /** Waits until `predicate` holds over the frames, or fails after `ms`. */
  async waitFor(
    predicate: (frames: ServerFrame[]) => boolean,
    what: string,
    ms = 5000,
  ): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(this.frames)) resolve();
        };
        this.#changed = check;
        timer = setTimeout(
          () => reject(new Error(`Timed out waiting for ${what}`)),
          ms,
        );
        check();
      });
    } finally {
      clearTimeout(timer);
      this.#changed = () => {};
    }
  }

  /** How the socket closed, failing if it is still open after `ms`. */
  closedWithin(
    ms = DEFAULT_DEADLINE_MS,
  ): Promise<{ code: number; reason: string }> {
    return withDeadline(this.closed, ms, "The socket closing");
  }

  /** Closes the socket and waits for the close handshake. */
  async close(): Promise<void> {
    if (this.#ws.readyState < WebSocket.CLOSING) this.#ws.close();
    await this.closedWithin();
  }
}

/**
 * Client-side helpers for suites that drive a real Hearth server: accounts,
 * authorized JSON requests, WebSockets that collect frames, and a raw TCP
 * WebSocket handshake for what the `WebSocket` class cannot do (send an
 * `Origin`, read the refusal status, or stop reading).
 */
import type { FileRef, Message, ServerFrame } from "../../lib/shared/wire.ts";
import type { Config } from "../../lib/config.ts";
import { DEFAULT_DEADLINE_MS, withDeadline } from "./deadline.ts";
import { startTestServer } from "./server.ts";
import { showLogOnFailure } from "./server_log.ts";

/** A signed-in account. */
export interface Account {
  id: string;
  username: string;
  password: string;
  token: string;
}

/** A decoded HTTP answer: JSON when the server sent JSON, else text, null when empty. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  // Suites read many shapes; asserting on them is the check.
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A username nobody has used yet, e.g. `ada_3f9c1a`. */
export function uniqueName(prefix = "user"): string {
  return `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
}

/** A running test server as `startTestServer` returns it. */
export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/**
 * Runs `body` against a fresh server (in-memory KV, fast bcrypt), prints the
 * server's log if `body` fails, and always shuts it down. `args` are extra flags such as `["--origin", url]`;
 * `overrides` set config the flags do not reach, such as `offlineGraceMs`.
 */
export async function withHearth(
  body: (server: TestServer) => Promise<void>,
  args: string[] = [],
  overrides: Partial<Config> = {},
): Promise<void> {
  const server = await startTestServer(args, { passwordCost: 4, ...overrides });
  try {
    await showLogOnFailure(`the server at ${server.base}`, () => body(server));
  } finally {
    await server.shutdown();
  }
}

/** Resolves after `ms`: for windows in which something must NOT happen; to wait for something, use `waitFor`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends a request and decodes the answer; `json` becomes an application/json body. */
export async function request(
  base: string,
  method: string,
  path: string,
  opts: {
    token?: string;
    json?: unknown;
    body?: BodyInit;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse> {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body = opts.body;
  if (opts.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(new URL(path, base), { method, headers, body });
  const text = await res.text();
  const isJson = res.headers.get("content-type")?.includes("json") ?? false;
  return {
    status: res.status,
    headers: res.headers,
    body: text === "" ? null : isJson ? JSON.parse(text) : text,
  };
}

/** Requests made as one signed-in user (or anonymously with no token). */
export class Api {
  /** Talks to `base` with `token` as the bearer token. */
  constructor(readonly base: string, readonly token?: string) {}

  /** GET `path`. */
  get(path: string): Promise<ApiResponse> {
    return request(this.base, "GET", path, { token: this.token });
  }

  /** POST `json` (omit it for an empty body) to `path`. */
  post(path: string, json?: unknown): Promise<ApiResponse> {
    return request(this.base, "POST", path, { token: this.token, json });
  }

  /** Any request, with a raw body and headers. */
  send(
    method: string,
    path: string,
    opts: { json?: unknown; body?: BodyInit; headers?: Record<string, string> },
  ): Promise<ApiResponse> {
    return request(this.base, method, path, { ...opts, token: this.token });
  }
}

/** Registers `username` (unique by default), signs in, and returns the account with its token. */
export async function signUp(
  base: string,
  username = uniqueName(),
  password = "correct horse battery",
): Promise<Account & { api: Api }> {
  const registered = await request(base, "POST", "/auth/register", {
    json: { username, password },
  });
  if (registered.status !== 201) {
    throw new Error(
      `register ${username}: ${registered.status} ${
        JSON.stringify(registered.body)
      }`,
    );
  }
  const token = await signIn(base, username, password);
  return {
    id: registered.body.id,
    username,
    password,
    token,
    api: new Api(base, token),
  };
}

/** Signs in and returns a fresh access token. */
export async function signIn(
  base: string,
  username: string,
  password: string,
): Promise<string> {
  const res = await request(base, "POST", "/auth/login", {
    json: { username, password },
  });
  if (res.status !== 200) {
    throw new Error(`login ${username}: ${res.status}`);
  }
  return res.body.access_token;
}

/** Creates a channel as `api`'s user and returns it (throws unless 201). */
export async function createChannel(
  api: Api,
  name = uniqueName("room"),
  extra: { topic?: string; private?: boolean } = {},
) {
  const res = await api.post("/channels", { name, ...extra });
  if (res.status !== 201) {
    throw new Error(
      `create ${name}: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body as { id: string; name: string; private: boolean };
}

/** Posts a message over HTTP and returns the stored one (throws unless 200/201). */
export async function postMessage(
  api: Api,
  channelId: string,
  content: string,
  clientId?: string,
): Promise<Message> {
  const res = await api.post(`/channels/${channelId}/messages`, {
    content,
    clientId,
  });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`post: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Uploads `bytes` as `name` to a channel over HTTP and returns the stored message's file (throws unless 201). */
export async function uploadFile(
  api: Api,
  channelId: string,
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
): Promise<FileRef> {
  const form = new FormData();
  form.append("file", new File([bytes], name));
  const res = await api.send("POST", `/channels/${channelId}/files`, {
    body: form,
  });
  if (res.status !== 201) {
    throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.file;
}

/** The `ws://` URL of a channel socket. */
export function socketUrl(
  base: string,
  channelId: string,
  token?: string,
  after?: number,
  rev?: number,
): string {
  const url = new URL(`/ws/channels/${encodeURIComponent(channelId)}`, base);
  url.protocol = "ws:";
  if (token !== undefined) url.searchParams.set("token", token);
  if (after !== undefined) url.searchParams.set("after", String(after));
  if (rev !== undefined) url.searchParams.set("rev", String(rev));
  return url.href;
}

/** How a socket closed. */
export interface Closed {
  code: number;
  reason: string;
}

type FrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

interface Waiter {
  type: string;
  match: (frame: ServerFrame) => boolean;
  resolve(frame: ServerFrame): void;
}

/**
 * A `WebSocket` that records every server frame. `next(type)` hands out
 * frames of a type in arrival order, each once, waiting if none is there yet.
 */
export class FrameSocket {
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  /** Settles when the socket closes. */
  readonly closed: Promise<Closed>;
  #socket: WebSocket;
  #unread: ServerFrame[] = [];
  #waiters: Waiter[] = [];
  #isClosed = false;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.addEventListener("close", (e) => {
        this.#isClosed = true;
        resolve({ code: e.code, reason: e.reason });
      });
    });
    socket.addEventListener("message", (e) => {
      const frame = JSON.parse(e.data) as ServerFrame;
      this.frames.push(frame);
      const i = this.#waiters.findIndex((w) =>
        w.type === frame.type && w.match(frame)
      );
      if (i === -1) this.#unread.push(frame);
      else this.#waiters.splice(i, 1)[0].resolve(frame);
    });
  }

  /** Opens a channel socket and waits until it is open (throws if refused or not open within 10 s). */
  static open(
    base: string,
    channelId: string,
    token: string,
    after?: number,
    rev?: number,
  ): Promise<FrameSocket> {
    const socket = new WebSocket(socketUrl(base, channelId, token, after, rev));
    const client = new FrameSocket(socket);
    const opened = new Promise<FrameSocket>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(client), { once: true });
      socket.addEventListener(
        "error",
        () => reject(new Error("WebSocket refused")),
        { once: true },
      );
    });
    return withDeadline(
      opened,
      DEFAULT_DEADLINE_MS,
      `Opening the socket of channel ${channelId}`,
    ).catch((error) => {
      socket.close();
      throw error;
    });
  }

  /** The next not yet taken frame of `type` (that `match` accepts), waiting up to `timeoutMs`. */
  next<T extends ServerFrame["type"]>(
    type: T,
    match: (frame: FrameOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<FrameOf<T>> {
    const accepts = (f: ServerFrame) =>
      f.type === type && match(f as FrameOf<T>);
    const i = this.#unread.findIndex(accepts);
    if (i !== -1) {
      return Promise.resolve(this.#unread.splice(i, 1)[0] as FrameOf<T>);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        match: accepts,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as FrameOf<T>);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `No "${type}" frame within ${timeoutMs} ms; got ${
              this.frames.map((f) => f.type).join(",")
            }`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Waits for the message frame with `seq` and returns it. */
  async message(seq: number, timeoutMs?: number): Promise<Message> {
    const frame = await this.next(
      "message",
      (f) => f.message.seq === seq,
      timeoutMs,
    );
    return frame.message;
  }

  /** Seqs of every message frame received so far, in arrival order. */
  seqs(): number[] {
    return this.frames.flatMap((f) =>
      f.type === "message" ? [f.message.seq] : []
    );
  }

  /** Sends a frame: objects as JSON, strings and bytes as they are. */
  send(data: unknown): void {
    this.#socket.send(
      typeof data === "string" || data instanceof Uint8Array
        ? data
        : JSON.stringify(data),
    );
  }

  /** How the socket closed; fails if it is still open after `ms`. */
  closedWithin(ms = DEFAULT_DEADLINE_MS): Promise<Closed> {
    return withDeadline(this.closed, ms, "The socket closing");
  }

  /** Closes the socket (if still open) and waits for the close to finish. */
  async close(): Promise<Closed> {
    if (!this.#isClosed) this.#socket.close(1000);
    return await this.closedWithin();
  }
}

/** A raw TCP WebSocket connection after the handshake, for tests that must control reading. */
export interface RawSocket {
  status: number;
  conn: Deno.TcpConn;
  /** Bytes read past the response head. */
  rest: Uint8Array<ArrayBuffer>;
}

/** Does the WebSocket handshake by hand with the given extra headers, within `timeoutMs`; the connection stays open. */
export function rawHandshake(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = DEFAULT_DEADLINE_MS,
): Promise<RawSocket> {
  return withDeadline(
    handshake(url, headers),
    timeoutMs,
    `The WebSocket handshake with ${new URL(url).pathname}`,
  );
}

async function handshake(
  url: string,
  headers: Record<string, string>,
): Promise<RawSocket> {
  const target = new URL(url);
  const conn = await Deno.connect({
    hostname: target.hostname,
    port: Number(target.port),
  });
  const key = btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
  );
  const lines = [
    `GET ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  await writeAll(
    conn,
    new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"),
  );
  let buffered = new Uint8Array(0);
  while (true) {
    const end = indexOfHeadEnd(buffered);
    if (end !== -1) {
      const head = new TextDecoder().decode(buffered.subarray(0, end));
      const status = Number(head.split(" ")[1]);
      return { status, conn, rest: buffered.slice(end + 4) };
    }
    const chunk = new Uint8Array(16 * 1024);
    const n = await conn.read(chunk);
    if (n === null) throw new Error("Connection closed during the handshake");
    buffered = concat(buffered, chunk.subarray(0, n));
  }
}

/**
 * The status a WebSocket upgrade gets (101 when accepted); the connection is
 * then closed. An accepted socket is first read up to its `ready` frame, so the
 * server has finished opening it before it goes away.
 */
export async function upgradeStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const raw = await rawHandshake(url, headers);
  try {
    if (raw.status === 101) {
      const first = await readFrame(raw);
      if (!first?.text.includes(`"ready"`)) {
        throw new Error(`Expected a ready frame, got ${JSON.stringify(first)}`);
      }
    }
  } finally {
    raw.conn.close();
  }
  return raw.status;
}

/** A frame as `readFrame` returns it. */
export interface RawFrame {
  opcode: number;
  payload: Uint8Array;
  text: string;
}

/** One frame from a raw socket (text decoded), or null once the server drops the connection; fails after `timeoutMs`. */
export function readFrame(
  raw: RawSocket,
  timeoutMs = DEFAULT_DEADLINE_MS,
): Promise<RawFrame | null> {
  return withDeadline(nextFrame(raw), timeoutMs, "The next frame");
}

async function nextFrame(raw: RawSocket): Promise<RawFrame | null> {
  const chunk = new Uint8Array(256 * 1024);
  while (true) {
    const frame = parseFrame(raw.rest);
    if (frame !== null) {
      raw.rest = raw.rest.slice(frame.end);
      return {
        opcode: frame.opcode,
        payload: frame.payload,
        text: new TextDecoder().decode(frame.payload),
      };
    }
    let n: number | null;
    try {
      n = await raw.conn.read(chunk);
    } catch {
      return null; // reset by the server
    }
    if (n === null) return null;
    raw.rest = concat(raw.rest, chunk.subarray(0, n));
  }
}

/**
 * Reads a raw socket's frames until the server's close frame (returning its
 * code) or until the server drops the connection (returning null); fails if
 * neither comes within `timeoutMs`.
 */
export function readUntilClose(
  raw: RawSocket,
  timeoutMs = 30_000,
): Promise<number | null> {
  return withDeadline(closeCode(raw), timeoutMs, "The server closing");
}

async function closeCode(raw: RawSocket): Promise<number | null> {
  while (true) {
    const frame = await nextFrame(raw);
    if (frame === null) return null;
    if (frame.opcode === 0x8) {
      const bytes = frame.payload;
      return bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : 1005;
    }
  }
}

// A complete server frame at the start of `bytes` (servers never mask), or null.
function parseFrame(
  bytes: Uint8Array,
): { opcode: number; payload: Uint8Array; end: number } | null {
  if (bytes.length < 2) return null;
  let length = bytes[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (bytes.length < 4) return null;
    length = (bytes[2] << 8) | bytes[3];
    offset = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return null;
    length = Number(
      new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(2),
    );
    offset = 10;
  }
  if (bytes.length < offset + length) return null;
  return {
    opcode: bytes[0] & 0x0f,
    payload: bytes.subarray(offset, offset + length),
    end: offset + length,
  };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (
      bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 &&
      bytes[i + 3] === 10
    ) return i;
  }
  return -1;
}

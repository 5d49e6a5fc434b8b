/**
 * Between `node:http` and the web's Request and Response: the app is written
 * against the latter (as for Deno.serve); the server is `node:http`, which
 * lets Hearth own connection limits and timeouts (see serve.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { knownBodyOf } from "./known_body.ts";

// Chunks a request body may hold before its socket is paused.
const BODY_HIGH_WATER = 64 * 1024;

/** The Request for `req`; `host` stands in when the client sent no Host. */
export function toRequest(
  req: IncomingMessage,
  host: string,
  withBody: boolean,
): Request {
  // Pairs, not a Headers: the Request would copy a Headers into its own.
  const headers: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    headers.push([raw[i], raw[i + 1]]);
  }
  const target = req.url ?? "/";
  const url = target.startsWith("/")
    ? `http://${req.headers.host || host}${target}`
    : target;
  const method = req.method ?? "GET";
  const hasBody = withBody && method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    body: hasBody ? bodyStream(req) : null,
  });
}

// A byte stream that reads the socket only as fast as the app takes it.
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const settle = (end: () => void) => {
        if (settled) return;
        settled = true;
        end();
      };
      req.on("data", (chunk: Uint8Array) => {
        if (settled) return;
        controller.enqueue(
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        );
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => settle(() => controller.close()));
      // A hang-up mid-body: the reader fails, which is how uploads clean up.
      req.once("error", (error) => settle(() => controller.error(error)));
      req.once(
        "aborted",
        () => settle(() => controller.error(new Error("The client hung up"))),
      );
    },
    pull() {
      req.resume();
    },
    cancel() {
      // Dropped from here on: a kept-alive connection must read past this body
      // to reach the next request (a refusal with Connection: close ends sooner).
      settled = true;
      req.resume();
    },
  }, { highWaterMark: BODY_HIGH_WATER, size: (chunk) => chunk.byteLength });
}

/** Writes `response` to `res`, streaming its body with backpressure. */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
  head: boolean,
): Promise<void> {
  const known = knownBodyOf(response);
  if (known !== undefined) {
    // A body already whole in memory: the head and the bytes in one write,
    // without opening the Response's stream.
    const fields: (string | number)[] = [];
    let length = false;
    // forEach, not for...of: the Headers iterator cost about five times as much.
    response.headers.forEach((value, name) => {
      fields.push(name, value);
      if (name === "content-length") length = true;
    });
    if (!length && !head) fields.push("content-length", known.byteLength);
    if (response.statusText) {
      res.writeHead(response.status, response.statusText, fields);
    } else res.writeHead(response.status, fields);
    return void res.end(head ? undefined : known);
  }
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = response.body;
  if (body === null || head) {
    await body?.cancel();
    res.end();
    return;
  }
  const reader = body.getReader();
  let gone = false;
  res.once("close", () => {
    if (res.writableFinished) return;
    gone = true;
    reader.cancel().catch(() => {});
  });
  try {
    const first = await reader.read();
    if (first.done) return void res.end();
    const second = await reader.read();
    if (second.done) {
      // A whole body in one chunk (JSON, a page): send it with its length.
      if (!res.hasHeader("content-length")) {
        res.setHeader("content-length", first.value.byteLength);
      }
      return void res.end(first.value);
    }
    let chunk: ReadableStreamReadResult<Uint8Array> = first;
    let next: ReadableStreamReadResult<Uint8Array> | null = second;
    while (!chunk.done && !gone) {
      if (!res.write(chunk.value)) await drained(res);
      chunk = next ?? await reader.read();
      next = null;
    }
    if (!gone) res.end();
  } catch {
    // The body failed midway (or the client left): the length cannot be kept.
    res.destroy();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Answers on a connection that asked to upgrade but was not (a refusal): the
 * status, headers and body written by hand, then the connection is closed.
 */
export async function writeRawResponse(
  socket: Duplex,
  response: Response,
): Promise<void> {
  if (socket.destroyed) return void await response.body?.cancel();
  let head = `HTTP/1.1 ${response.status} ${response.statusText}\r\n`;
  for (const [name, value] of response.headers) {
    if (name !== "connection" && name !== "content-length") {
      head += `${name}: ${value}\r\n`;
    }
  }
  // No length: the body ends where the connection does.
  socket.write(`${head}connection: close\r\n\r\n`);
  try {
    for await (const chunk of response.body ?? []) {
      if (socket.destroyed) break;
      if (!socket.write(chunk)) {
        await new Promise((resolve) => {
          socket.once("drain", resolve);
          socket.once("close", resolve);
        });
      }
    }
  } finally {
    socket.end();
  }
}

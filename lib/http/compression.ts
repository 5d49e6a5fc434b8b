/**
 * Compresses the app's text answers (pages, JSON, scripts, styles, SVG) with
 * brotli or gzip when the client takes them, streaming: the body is piped
 * through the platform's `CompressionStream`, never gathered whole. Answers
 * that already carry a coding (the build-time variants of static files) pass
 * untouched, and so does anything ranged: byte offsets name the file's own
 * bytes, so a range of compressed bytes would be a different file.
 */
import {
  chooseCoding,
  type Coding,
  compressibleType,
  MIN_COMPRESS_BYTES,
  varyOnEncoding,
} from "./encoding.ts";

// No body, or one that must stay exactly as the handler made it.
const UNTOUCHED_STATUSES = new Set([101, 204, 206, 304]);

/** The response to send for `req`: `response` itself, or a compressed copy of it. */
export async function compressResponse(
  req: Request,
  response: Response,
): Promise<Response> {
  const { headers } = response;
  if (
    UNTOUCHED_STATUSES.has(response.status) ||
    !compressibleType(headers.get("content-type"))
  ) return response;
  // Caches must keep the coded and the plain copy apart, even for a client
  // that got the plain one this time.
  varyOnEncoding(headers);
  if (
    headers.has("content-encoding") || headers.has("content-range") ||
    req.headers.has("range") ||
    /\bno-transform\b/i.test(headers.get("cache-control") ?? "")
  ) return response;
  const coding = chooseCoding(req.headers.get("accept-encoding"));
  if (coding === null) return response;
  const declared = headers.get("content-length");
  if (declared !== null && Number(declared) < MIN_COMPRESS_BYTES) {
    return response;
  }
  if (response.body === null) {
    // HEAD: say what a GET would carry, without a body to code.
    markCoded(headers, coding);
    return response;
  }
  const reader = response.body.getReader();
  let head: Head;
  try {
    head = await readAtLeast(reader, MIN_COMPRESS_BYTES);
  } catch (error) {
    // The body failed before a byte went out: it fails for the client as it
    // would have uncompressed, mid-body, not as an error of the envelope.
    return new Response(failing(error), response);
  }
  if (head.done) {
    // The whole body was small: send the bytes read, as they are.
    headers.set("content-length", String(head.bytes.byteLength));
    return new Response(head.bytes, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
  markCoded(headers, coding);
  const body = resume(head.chunks, reader).pipeThrough(
    new CompressionStream(
      (coding === "br" ? "brotli" : "gzip") as CompressionFormat,
    ),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

function markCoded(headers: Headers, coding: Coding): void {
  headers.set("content-encoding", coding);
  headers.delete("content-length");
  // The coded bytes are another representation: a strong validator of the
  // plain bytes would be wrong for them (If-Range compares strongly).
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
}

interface Head {
  chunks: Uint8Array<ArrayBuffer>[];
  bytes: Uint8Array<ArrayBuffer>;
  done: boolean;
}

// Reads until `min` bytes arrived or the body ended, whichever is first.
async function readAtLeast(
  reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>,
  min: number,
): Promise<Head> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let length = 0;
  while (length < min) {
    const { done, value } = await reader.read();
    if (done) return { chunks, bytes: concat(chunks, length), done: true };
    chunks.push(value);
    length += value.byteLength;
  }
  return { chunks, bytes: new Uint8Array(), done: false };
}

function concat(
  chunks: Uint8Array<ArrayBuffer>[],
  length: number,
): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function failing(error: unknown): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({ start: (controller) => controller.error(error) });
}

// The chunks already read, then the rest of the body as it comes.
function resume(
  chunks: Uint8Array<ArrayBuffer>[],
  reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const first = chunks.shift();
      if (first !== undefined) return controller.enqueue(first);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

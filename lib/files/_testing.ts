// Helpers shared by this folder's tests.
import { createHash } from "node:crypto";
import type { UploadedFile } from "./multipart.ts";
import type { FileMeta } from "./store.ts";

/** One mebibyte, in bytes. */
export const MiB = 1024 * 1024;

/** Random bytes of any length (getRandomValues fills at most 64 KiB a call). */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, Math.min(i + 65536, size)));
  }
  return bytes;
}

/** A stream that hands out `bytes` in pieces of the given sizes, cycling. */
export function streamOf(
  bytes: Uint8Array,
  pieceSizes: number[] = [65536],
): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = pieceSizes[turn++ % pieceSizes.length];
      // Copies, as a network source would: the writer must not rely on views.
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/**
 * Like `streamOf`, but a byte stream, as Deno.serve's request bodies are: a
 * BYOB reader gets at most each piece size copied into its own buffer.
 */
export function byteStreamOf(
  bytes: Uint8Array,
  pieceSizes: number[] = [65536],
): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const size = pieceSizes[turn++ % pieceSizes.length];
      const view = controller.byobRequest?.view;
      if (view) {
        const n = Math.min(size, view.byteLength, bytes.length - offset);
        new Uint8Array(view.buffer, view.byteOffset, n).set(
          bytes.subarray(offset, offset + n),
        );
        offset += n;
        controller.byobRequest!.respond(n);
      } else {
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      }
    },
  });
}

/** Reads a byte stream with a BYOB reader, `viewSize` bytes at most per read. */
export async function collectByob(
  stream: ReadableStream<Uint8Array>,
  viewSize: number,
): Promise<Uint8Array> {
  const reader = stream.getReader({ mode: "byob" });
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let buffer = new ArrayBuffer(viewSize);
  while (true) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    parts.push(value.slice());
    buffer = value.buffer as ArrayBuffer;
  }
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

/** Reads a whole stream into one array. */
export async function collect(
  stream: ReadableStream<Uint8Array>,
): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Hex SHA-256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** How many entries live under a KV prefix. */
export async function countKeys(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix }, { batchSize: 10 })) count++;
  return count;
}

/** The metadata of a stored file with the given id, size and hash. */
export function metaFor(id: string, size: number, hash: string): FileMeta {
  return {
    id,
    name: "data.bin",
    size,
    type: "application/octet-stream",
    sha256: hash,
    channelId: "c1",
    uploaderId: "u1",
    createdAt: new Date().toISOString(),
  };
}

/** A POST of the form to a channel's files, as a browser sends it. */
export function formRequest(form: FormData): Request {
  return new Request("http://hearth.test/channels/c1/files", {
    method: "POST",
    body: form,
  });
}

/** Re-sends a request's body in pieces of the given sizes, as a slow network might. */
export async function rechunked(
  req: Request,
  pieces: number[],
): Promise<Request> {
  const bytes = new Uint8Array(await req.arrayBuffer());
  return new Request(req.url, {
    method: "POST",
    headers: { "content-type": req.headers.get("content-type")! },
    body: streamOf(bytes, pieces),
  });
}

/** An `onFile` that reads the whole file into memory. */
export const readAll = async (
  { filename, declaredType, stream }: UploadedFile,
) => ({
  filename,
  declaredType,
  bytes: await collect(stream),
});

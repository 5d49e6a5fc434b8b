// Helpers shared by this folder's tests.
import { createHash } from "node:crypto";

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

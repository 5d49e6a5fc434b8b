/**
 * HTTP requests whose answer is read as it came over the wire: `fetch`
 * decodes gzip and brotli on its own (and sends its own Accept-Encoding), so
 * the compression suites use `node:http`, which does neither.
 */
import { request as httpRequest } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { withDeadline } from "./deadline.ts";

/** An answer with its body exactly as sent. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  /** The bytes on the wire (still coded). */
  bytes: Uint8Array;
}

/** Sends one request with exactly `headers` and reads the raw answer. */
export function rawRequest(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<RawAnswer> {
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) out.set(name, String(value));
        }
        const bytes = new Uint8Array(
          chunks.reduce((n, c) => n + c.byteLength, 0),
        );
        let at = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, at);
          at += chunk.byteLength;
        }
        resolve({ status: res.statusCode ?? 0, headers: out, bytes });
      });
    });
    req.on("error", reject);
    req.end();
  });
  return withDeadline(answer, 10_000, `${method} ${path}`);
}

/** The body of `answer` with its Content-Encoding undone (once). */
export function decoded(answer: RawAnswer): Uint8Array {
  const coding = answer.headers.get("content-encoding");
  if (coding === null) return answer.bytes;
  // Plain Uint8Arrays, not Buffers, so they compare equal to the originals.
  if (coding === "br") {
    return new Uint8Array(brotliDecompressSync(answer.bytes));
  }
  if (coding === "gzip") return new Uint8Array(gunzipSync(answer.bytes));
  throw new Error(`Unexpected Content-Encoding: ${coding}`);
}

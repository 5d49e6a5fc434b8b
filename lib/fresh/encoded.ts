/**
 * Brotli and gzip copies of the static files and island bundles, made once by
 * the build (at the highest levels, which would be too slow per request) and
 * read with the files at start. Each copy is named after the content tag of
 * the bytes it codes, `_fresh/encoded/<tag>.br`, so a copy can never be served
 * for a file that has changed since: the new bytes have another tag, and until
 * the next build they go out as they are.
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { contentType } from "./content_type.ts";
import {
  type Coding,
  CODING_SUFFIX,
  CODINGS,
  compressibleType,
  MIN_COMPRESS_BYTES,
} from "../http/encoding.ts";

/** Where the build writes the coded copies, relative to the app's root. */
export const ENCODED_DIR = "_fresh/encoded/";

/** The ETag-ready tag of some bytes: the first 16 bytes of their SHA-256, in hex. */
export async function contentTag(
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(
    digest.subarray(0, 16),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** Whether a file of this name is worth coded copies (text, not tiny). */
export function worthEncoding(name: string, size: number): boolean {
  return size >= MIN_COMPRESS_BYTES && compressibleType(contentType(name));
}

/** The coded copies of bytes tagged `tag` found in `dir` (none when the build made none). */
export async function readEncoded(
  dir: URL,
  tag: string,
): Promise<Map<Coding, Uint8Array<ArrayBuffer>>> {
  const found = new Map<Coding, Uint8Array<ArrayBuffer>>();
  for (const coding of CODINGS) {
    try {
      found.set(
        coding,
        await Deno.readFile(new URL(tag + CODING_SUFFIX[coding], dir)),
      );
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return found;
}

/**
 * Writes the brotli (quality 11) and gzip (level 9) copies of `bytes` into
 * `dir`, each only when it is smaller; answers the names written or kept.
 * A copy is written aside and renamed into place, so a server starting at the
 * same time reads a whole copy or none.
 */
export async function writeEncoded(
  dir: URL,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string[]> {
  const tag = await contentTag(bytes);
  const names: string[] = [];
  for (const coding of CODINGS) {
    const name = tag + CODING_SUFFIX[coding];
    const target = new URL(name, dir);
    const exists = await Deno.stat(target).then(() => true, () => false);
    if (!exists) {
      const coded = encode(bytes, coding);
      if (coded.byteLength >= bytes.byteLength) continue;
      const aside = new URL(`.${crypto.randomUUID()}`, dir);
      await Deno.writeFile(aside, coded);
      await Deno.rename(aside, target);
    }
    names.push(name);
  }
  return names;
}

function encode(bytes: Uint8Array, coding: Coding): Uint8Array {
  return coding === "br"
    ? brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    })
    : gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
}

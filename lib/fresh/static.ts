import { contentType } from "./content_type.ts";
import { contentTag, readEncoded } from "./encoded.ts";
import {
  chooseCoding,
  type Coding,
  compressibleType,
  varyOnEncoding,
} from "../http/encoding.ts";

interface Representation {
  body: Uint8Array;
  etag: string;
}

interface StaticEntry extends Representation {
  path: string;
  type: string;
  /** The build's brotli and gzip copies, each with its own ETag. */
  coded: Map<Coding, Representation>;
}

/** Cache policy for a directory of files. */
export interface StaticOptions {
  /** URL prefix the files are served under, such as `/` or `/_fresh/js/`. */
  prefix: string;
  /** Where the build put coded copies (see `encoded.ts`); none are served without it. */
  encoded?: URL;
  /** Content-hashed files never change, so browsers may keep them for a year. */
  immutable?: boolean;
}

/**
 * A directory of files loaded once at start, served with ETags and 304s, and
 * as the build's brotli or gzip copy to a client that takes one.
 */
export class StaticFiles {
  #files = new Map<string, StaticEntry>();
  #cacheControl: string;

  private constructor(options: StaticOptions) {
    this.#cacheControl = options.immutable
      ? "public, max-age=31536000, immutable"
      : "public, max-age=0, must-revalidate";
  }

  /** Loads every file under `dir`; a missing directory serves nothing. */
  static async load(dir: URL, options: StaticOptions): Promise<StaticFiles> {
    const files = new StaticFiles(options);
    const prefix = options.prefix.endsWith("/")
      ? options.prefix
      : options.prefix + "/";
    for await (const relative of walk(dir, "")) {
      let body: Uint8Array<ArrayBuffer>;
      try {
        body = await Deno.readFile(new URL(relative, dir));
      } catch (error) {
        // Removed since it was listed: a build replaced an older bundle.
        if (error instanceof Deno.errors.NotFound) continue;
        throw error;
      }
      const tag = await contentTag(body);
      const coded = new Map<Coding, Representation>();
      if (options.encoded) {
        for (const [coding, bytes] of await readEncoded(options.encoded, tag)) {
          coded.set(coding, { body: bytes, etag: `"${tag}-${coding}"` });
        }
      }
      const path = prefix + relative;
      files.#files.set(path, {
        path,
        body,
        etag: `"${tag}"`,
        type: contentType(relative),
        coded,
      });
    }
    return files;
  }

  /** The number of files loaded. */
  get size(): number {
    return this.#files.size;
  }

  /** Answers a GET or HEAD for a loaded file, or null when there is none. */
  serve(req: Request, pathname: string): Response | null {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    // Exact lookups of the decoded path only: "..", encoded slashes and
    // directories never match a loaded file.
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    const entry = this.#files.get(decoded);
    if (!entry) return null;
    const coding = chooseCoding(req.headers.get("accept-encoding"), [
      ...entry.coded.keys(),
    ]);
    const chosen: Representation = coding === null
      ? entry
      : entry.coded.get(coding)!;
    const headers = new Headers({
      "content-type": entry.type,
      "cache-control": this.#cacheControl,
      etag: chosen.etag,
      "x-content-type-options": "nosniff",
    });
    if (compressibleType(entry.type)) varyOnEncoding(headers);
    if (coding !== null) headers.set("content-encoding", coding);
    if (ifNoneMatch(req.headers.get("if-none-match"), chosen.etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(chosen.body.byteLength));
    const body = req.method === "HEAD" ? null : chosen.body.slice();
    return new Response(body, { status: 200, headers });
  }
}

function ifNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) =>
    tag.trim().replace(/^W\//, "") === etag
  );
}

/** The files under `dir`, as paths relative to it, sorted; none for a missing directory. */
export function walkFiles(dir: URL): AsyncGenerator<string> {
  return walk(dir, "");
}

async function* walk(dir: URL, relative: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(new URL(relative, dir)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = relative + entry.name;
    if (entry.isDirectory) yield* walk(dir, path + "/");
    else if (entry.isFile) yield path;
  }
}

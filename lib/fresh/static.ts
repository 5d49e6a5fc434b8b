import { contentType } from "./content_type.ts";

interface StaticEntry {
  path: string;
  body: Uint8Array;
  etag: string;
  type: string;
}

/** Cache policy for a directory of files. */
export interface StaticOptions {
  /** URL prefix the files are served under, such as `/` or `/_fresh/js/`. */
  prefix: string;
  /** Content-hashed files never change, so browsers may keep them for a year. */
  immutable?: boolean;
}

/** A directory of files loaded once at start, served with ETags and 304s. */
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
      const digest = await crypto.subtle.digest("SHA-256", body);
      const etag = `"${toHex(new Uint8Array(digest).subarray(0, 16))}"`;
      const path = prefix + relative;
      files.#files.set(path, { path, body, etag, type: contentType(relative) });
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
    const headers = new Headers({
      "content-type": entry.type,
      "cache-control": this.#cacheControl,
      etag: entry.etag,
      "x-content-type-options": "nosniff",
    });
    if (ifNoneMatch(req.headers.get("if-none-match"), entry.etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(entry.body.byteLength));
    const body = req.method === "HEAD" ? null : entry.body.slice();
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

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

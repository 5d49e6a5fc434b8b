import { contentDisposition } from "./names.ts";
import { parseRange } from "./range.ts";
import { type FileMeta, readFileStream } from "./store.ts";
import { isInlineSafe, UNKNOWN_TYPE } from "./types.ts";
import { ApiError } from "../errors.ts";

/** Options for `fileResponseHeaders` and `serveFile`. */
export interface ServeOptions {
  /** Ask to show the file in place; honoured only for `isInlineSafe` types. */
  inline?: boolean;
  /** `Cache-Control`; `private` (revalidated by the browser's heuristics) by default. */
  cacheControl?: string;
}

/**
 * The headers every file response carries. The file came from a user, so the
 * browser must neither sniff it (`nosniff`) nor run it (a sandboxing CSP),
 * and only inline-safe types are ever shown in place.
 */
export function fileResponseHeaders(
  meta: FileMeta,
  { inline = false, cacheControl = "private" }: ServeOptions = {},
): Headers {
  const type = meta.type || UNKNOWN_TYPE;
  return new Headers({
    "Content-Type": type,
    "Content-Disposition": contentDisposition(
      meta.name,
      inline && isInlineSafe(type),
    ),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "ETag": `"${meta.sha256}"`,
    "Last-Modified": new Date(meta.createdAt).toUTCString(),
    "Cache-Control": cacheControl,
    "Accept-Ranges": "bytes",
  });
}

// If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
function matchesAny(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) =>
    tag.trim().replace(/^W\//, "") === etag
  );
}

/**
 * Answers a GET or HEAD for a committed file: 304 when If-None-Match matches
 * the ETag, 206 for one satisfiable Range (only on GET, and only while
 * If-Range still matches), 200 otherwise; HEAD gets the headers without a
 * body. An unsatisfiable range throws a 416 carrying `Content-Range: bytes *\/size`.
 * Inline display defaults to on for inline-safe types.
 */
export function serveFile(
  kv: Deno.Kv,
  meta: FileMeta,
  req: Request,
  { inline = true, cacheControl }: ServeOptions = {},
): Response {
  const headers = fileResponseHeaders(meta, { inline, cacheControl });
  const etag = headers.get("ETag")!;
  const ifNoneMatch = req.headers.get("If-None-Match");
  const since = Date.parse(req.headers.get("If-Modified-Since") ?? "");
  // HTTP dates have whole seconds, and If-None-Match, when sent, overrides the date.
  const fresh = ifNoneMatch !== null
    ? matchesAny(ifNoneMatch, etag)
    : since >= Math.floor(Date.parse(meta.createdAt) / 1000) * 1000;
  if (fresh) {
    // A 304 describes the cached copy; body headers would only mislead.
    for (
      const name of ["Content-Type", "Content-Disposition", "Accept-Ranges"]
    ) {
      headers.delete(name);
    }
    return new Response(null, { status: 304, headers });
  }

  const isHead = req.method === "HEAD";
  // RFC 9110 defines Range for GET only; If-Range that no longer matches means "send it all".
  const ifRange = req.headers.get("If-Range");
  const rangeApplies = req.method === "GET" &&
    (ifRange === null || ifRange === etag ||
      ifRange === headers.get("Last-Modified"));
  const range = rangeApplies
    ? parseRange(req.headers.get("Range"), meta.size)
    : null;
  if (range === "unsatisfiable") {
    throw new ApiError(
      416,
      "range_not_satisfiable",
      `Range is outside the file's ${meta.size} bytes`,
      { "Content-Range": `bytes */${meta.size}` },
    );
  }
  if (range) {
    headers.set(
      "Content-Range",
      `bytes ${range.start}-${range.end}/${meta.size}`,
    );
    headers.set("Content-Length", String(range.end - range.start + 1));
    return new Response(readFileStream(kv, meta, range), {
      status: 206,
      headers,
    });
  }
  headers.set("Content-Length", String(meta.size));
  const body = isHead || meta.size === 0 ? null : readFileStream(kv, meta);
  return new Response(body, { status: 200, headers });
}

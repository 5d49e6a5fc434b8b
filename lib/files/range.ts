/**
 * Reads a `Range` request header against a file of `size` bytes (RFC 9110 §14).
 *
 * Answers `{start, end}` (inclusive, end clamped to the last byte) for one
 * satisfiable `bytes=a-b`, `bytes=a-` or `bytes=-n`; `"unsatisfiable"` when it
 * starts at or past the end, or asks for a zero-length suffix (the caller
 * answers 416 with `Content-Range: bytes *\/size`); and null, meaning "ignore
 * it and send the whole file", for no header, another unit, a malformed or
 * reversed range, or several ranges. RFC 9110 lets a server ignore Range, and
 * ignoring multi-range requests spares us multipart/byteranges bodies that
 * almost no client needs.
 */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | null | "unsatisfiable" {
  if (header === null) return null;
  const match = /^\s*bytes\s*=\s*(\d*)-(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first, last] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    // Suffix form: the last n bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(size - length, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  // A last position before the first makes the header invalid, not unsatisfiable.
  if (last !== "" && end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

// Control characters (C0, DEL, C1) and bidirectional overrides: the first break
// headers and logs, the second let "gpj.exe" pose as "exe.jpg".
const UNSAFE_CHARS =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX_NAME_BYTES = 255;
const encoder = new TextEncoder();

const utf8Length = (text: string): number => encoder.encode(text).length;

// Cuts at whole code points so no multi-byte character is split.
function truncateUtf8(text: string, maxBytes: number): string {
  let out = "";
  let used = 0;
  for (const char of text) {
    const bytes = utf8Length(char);
    if (used + bytes > maxBytes) break;
    out += char;
    used += bytes;
  }
  return out;
}

/**
 * Makes a client-sent file name safe to store and show: keeps only the last
 * path segment (`/` or `\`), drops control and bidi-override characters,
 * trims spaces and dots from both ends (no hidden files, no `..`), fits it in
 * 255 UTF-8 bytes keeping a short extension, and falls back to `"file"`.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  let clean = base.normalize("NFC").replace(UNSAFE_CHARS, "")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  if (utf8Length(clean) > MAX_NAME_BYTES) {
    const dot = clean.lastIndexOf(".");
    const ext = dot > 0 ? clean.slice(dot) : "";
    // Keep the extension when it is short enough to be a real one.
    if (ext && utf8Length(ext) <= 16) {
      const stem = truncateUtf8(
        clean.slice(0, dot),
        MAX_NAME_BYTES - utf8Length(ext),
      );
      clean = stem.replace(/[\s.]+$/, "") + ext;
    } else {
      clean = truncateUtf8(clean, MAX_NAME_BYTES).replace(/[\s.]+$/, "");
    }
  }
  return clean === "" ? "file" : clean;
}

// RFC 8187 attr-char is ALPHA / DIGIT / "!#$&+-.^_`|~"; encodeURIComponent
// leaves "'()*" alone, which must be encoded too.
function encodeRfc8187(text: string): string {
  return encodeURIComponent(text).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A `Content-Disposition` value (RFC 6266) for a file name: an ASCII
 * `filename="..."` fallback for old clients, where non-ASCII, quotes,
 * backslashes and `%` become `_` (no escaping for parsers to get wrong), plus
 * the exact name as `filename*=UTF-8''<percent-encoded>` (RFC 8187, ex 5987).
 */
export function contentDisposition(name: string, inline: boolean): string {
  const safe = sanitizeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const type = inline ? "inline" : "attachment";
  return `${type}; filename="${ascii}"; filename*=UTF-8''${
    encodeRfc8187(safe)
  }`;
}

/**
 * The RFC 8187 (ex 5987) `filename*` parameter of a part's Content-Disposition,
 * decoded strictly. The multipart library decodes it leniently: a broken
 * escape becomes U+FFFD and an unknown charset prints a stack trace through
 * `console.warn`, which is not one JSON log line. So the parameter is read
 * here first, and a malformed one is refused with a clear 400.
 */
import { malformed } from "./_multipart_reader.ts";

// The parameter's raw value: a token, or a quoted string some clients send.
const PARAM = /;\s*filename\*\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i;
// charset ' language ' value-chars; only the two charsets RFC 5987 names.
const EXT_VALUE = /^(utf-8|iso-8859-1)'[A-Za-z0-9-]*'(.+)$/i;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * The decoded `filename*` of a Content-Disposition value, or undefined when it
 * has none; a value that is not `charset'lang'percent-encoded` with a known
 * charset and well-formed escapes answers 400 `malformed_multipart`.
 */
export function filenameStar(disposition: string): string | undefined {
  const raw = PARAM.exec(disposition)?.[1]?.trim();
  if (raw === undefined) return undefined;
  const value = raw.startsWith('"')
    ? raw.slice(1, -1).replace(/\\(.)/g, "$1")
    : raw;
  const match = EXT_VALUE.exec(value);
  if (!match || BAD_ESCAPE.test(match[2])) throw refused();
  const bytes = percentDecode(match[2]);
  if (match[1].toLowerCase() === "iso-8859-1") {
    return String.fromCharCode(...bytes);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw refused();
  }
}

function percentDecode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length;) {
    if (text[i] === "%") {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      out.push(...encoder.encode(char));
      i += char.length;
    }
  }
  return new Uint8Array(out);
}

function refused() {
  return malformed(
    "The part's filename* is not valid RFC 8187 (UTF-8''percent-encoded UTF-8)",
  );
}

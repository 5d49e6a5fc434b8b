import { fileTypeFromBuffer } from "file-type";

/** How many leading bytes `detectType` needs; file-type's own sample size. */
export const DETECT_BYTES = 4100;

/** The type given to bytes nothing could identify; browsers only download it. */
export const UNKNOWN_TYPE = "application/octet-stream";

// Text formats carry no magic number, so only their extension can name them.
const TEXT_TYPES: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  json: "application/json",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  html: "text/html",
  htm: "text/html",
  xml: "application/xml",
  svg: "image/svg+xml",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  yaml: "application/yaml",
  yml: "application/yaml",
};

// Binary formats (pdf, png, jpg, gif, webp, mp3, mp4, zip, ...) are absent on
// purpose: file-type knows their magic numbers, so when it does not recognise
// the bytes, a ".png" name is a claim, not evidence, and the file is unknown.

const INLINE_SAFE = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/**
 * The media type of a file from its first bytes (see `DETECT_BYTES`) and its
 * name: the bytes win whenever file-type recognises them; otherwise a text
 * format is named by its extension; anything else is `UNKNOWN_TYPE`. The
 * client's declared type is never consulted.
 */
export async function detectType(
  firstBytes: Uint8Array,
  name: string,
): Promise<string> {
  const ext = extensionOf(name);
  let detected: string | undefined;
  if (firstBytes.length > 0) {
    try {
      detected =
        (await fileTypeFromBuffer(firstBytes.subarray(0, DETECT_BYTES)))
          ?.mime;
    } catch {
      // A truncated sample can trip a detector; that only means "not recognised".
    }
  }
  if (detected) {
    // Any document with an XML prolog reads as XML; the name may narrow it to SVG.
    if (detected === "application/xml" && TEXT_TYPES[ext] === "image/svg+xml") {
      return TEXT_TYPES[ext];
    }
    return detected;
  }
  return Object.hasOwn(TEXT_TYPES, ext) ? TEXT_TYPES[ext] : UNKNOWN_TYPE;
}

/**
 * Whether a browser may render the type in place: only raster images. SVG and
 * HTML can run script, and a PDF opens in the browser's own viewer, a document
 * of the app's origin outside the CSP sandbox: they (and everything else) are
 * downloads.
 */
export function isInlineSafe(type: string): boolean {
  return INLINE_SAFE.has(type.split(";")[0].trim().toLowerCase());
}

/**
 * Which responses are worth compressing and which content coding a client
 * takes: the one rule shared by the dynamic compression of the app's answers
 * (`compression.ts`) and the build-time variants of static files and bundles.
 */

/** The content codings Hearth sends, best first. */
export type Coding = "br" | "gzip";

/** The codings in order of preference: brotli is about 15% smaller for text. */
export const CODINGS: readonly Coding[] = ["br", "gzip"];

/** The file suffix a precompressed variant carries for each coding. */
export const CODING_SUFFIX: Record<Coding, string> = { br: ".br", gzip: ".gz" };

/**
 * Bodies smaller than this go out as they are: below about a kilobyte the
 * coding's framing eats the saving, and the bytes fit one packet anyway.
 */
export const MIN_COMPRESS_BYTES = 1024;

// Text formats only: images, video, archives and PDFs are compressed already,
// so a second pass costs time and saves nothing.
const COMPRESSIBLE =
  /^(text\/(html|css|javascript)|application\/(javascript|json|[\w.-]+\+json)|image\/svg\+xml)\s*(;|$)/i;

/** Whether a response of this Content-Type is text that compresses (HTML, JSON, JS, CSS, SVG). */
export function compressibleType(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType.trim());
}

/**
 * The best coding among `offered` that an `Accept-Encoding` header allows,
 * or null for none. `q=0` refuses a coding, `*` stands for any coding not
 * named; of equal weights brotli wins.
 */
export function chooseCoding(
  acceptEncoding: string | null,
  offered: readonly Coding[] = CODINGS,
): Coding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const item of acceptEncoding.split(",")) {
    const [name, ...params] = item.trim().toLowerCase().split(";");
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") q = Number(value);
    }
    if (Number.isFinite(q)) weights.set(name.trim(), q);
  }
  let best: Coding | null = null;
  let bestWeight = 0;
  for (const coding of offered) {
    const weight = weights.get(coding) ?? weights.get("*") ?? 0;
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}

/** Adds `Accept-Encoding` to a response's `Vary`, once. */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) {
    headers.set("vary", "Accept-Encoding");
    return;
  }
  const names = vary.split(",").map((name) => name.trim().toLowerCase());
  if (names.includes("accept-encoding") || names.includes("*")) return;
  headers.set("vary", `${vary}, Accept-Encoding`);
}

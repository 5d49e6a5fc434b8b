// A pull-driven multipart/form-data splitter (RFC 7578, RFC 2046 §5.1.1).
// @remix-run/multipart-parser 0.16.3 hands out a part only once all of its bytes
// are in memory, so the file part is streamed here; that library still parses
// each part's header block (see multipart.ts).
import { ApiError } from "../errors.ts";
import { tooLarge } from "./_errors.ts";

const CR = 13;
const LF = 10;
const DASH = 45;
const CRLF = new Uint8Array([CR, LF]);
const CRLFCRLF = new Uint8Array([CR, LF, CR, LF]);
const EMPTY = new Uint8Array(0);

/** Limits for a `MultipartReader`. */
export interface ReaderLimits {
  /** Largest accepted request body; past it reading stops with a 413. */
  maxTotalBytes: number;
  /** Largest header block of one part. */
  maxHeaderBytes: number;
}

/** Answers a 400 for a body that is not valid multipart. */
export function malformed(detail: string): ApiError {
  return new ApiError(400, "malformed_multipart", detail);
}

// Boyer-Moore-Horspool: the delimiter is ~40 bytes, so most bytes are skipped.
function makeSearch(
  needle: Uint8Array,
): (haystack: Uint8Array, from: number) => number {
  const last = needle.length - 1;
  const skip = new Uint8Array(256).fill(Math.min(needle.length, 255));
  for (let i = 0; i < last; i++) skip[needle[i]] = Math.min(last - i, 255);
  return (haystack, from) => {
    let i = from + last;
    while (i < haystack.length) {
      let j = last;
      let k = i;
      while (j >= 0 && haystack[k] === needle[j]) {
        j--;
        k--;
      }
      if (j < 0) return k + 1;
      i += skip[haystack[i]];
    }
    return -1;
  };
}

const findCrlf = makeSearch(CRLF);
const findHeaderEnd = makeSearch(CRLFCRLF);

// Input read per call when the body is a byte stream (as Deno.serve's are).
const READ_SPACE = 256 * 1024;

/**
 * Reads a multipart body part by part: `nextPart()` answers a part's raw
 * header bytes, then `readBody()` hands out its body in pieces as they
 * arrive. Only the delimiter-sized tail of the input is ever held back, and
 * the request body is read only when the caller asks for more.
 *
 * A body that is a byte stream is read into one buffer, over and over, so a
 * big upload makes no garbage: a piece from `readBody()` is therefore only
 * valid until the next call to this reader. Copy what must be kept.
 */
export class MultipartReader {
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #byob: ReadableStreamBYOBReader | null = null;
  #space: Uint8Array<ArrayBuffer> | null = null;
  #limits: ReaderLimits;
  #delimiter: Uint8Array;
  #findDelimiter: (haystack: Uint8Array, from: number) => number;
  // Starts with CRLF so that a body opening with "--boundary" matches the
  // same "\r\n--boundary" delimiter as every later one.
  #buf: Uint8Array = CRLF;
  #total = 0;
  #state: "preamble" | "boundary" | "headers" | "body" | "done" = "preamble";

  /** Reads `body`, whose parts are separated by `boundary`. */
  constructor(
    body: ReadableStream<Uint8Array>,
    boundary: string,
    limits: ReaderLimits,
  ) {
    try {
      this.#byob = body.getReader({ mode: "byob" });
      this.#space = new Uint8Array(READ_SPACE);
    } catch {
      // Not a byte stream (a Request built from a plain stream): read its chunks.
      this.#reader = body.getReader();
    }
    this.#limits = limits;
    this.#delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    this.#findDelimiter = makeSearch(this.#delimiter);
  }

  /** Whether the closing delimiter has been read. */
  get done(): boolean {
    return this.#state === "done";
  }

  // The next input: into the reused buffer for a byte stream, else a fresh chunk.
  async #read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (this.#byob === null) return await this.#reader!.read();
    const space = this.#space!;
    const result = await this.#byob.read(
      new Uint8Array(space.buffer, 0, space.buffer.byteLength),
    );
    // The read took the buffer over; what it answered is a view of it.
    if (result.value) this.#space = new Uint8Array(result.value.buffer);
    return result;
  }

  async #fill(): Promise<void> {
    // Held bytes may be a view of the reused buffer, which the read overwrites.
    const carry = this.#buf.length > 0 ? this.#buf.slice() : null;
    this.#buf = carry ?? EMPTY;
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.#read();
    } catch {
      // The client hung up mid-body: a broken upload, not a server fault.
      throw new ApiError(
        400,
        "upload_interrupted",
        "The connection closed before the upload was complete",
      );
    }
    const { done, value } = result;
    if (done) {
      throw malformed("Multipart body ended before its closing boundary");
    }
    this.#total += value.length;
    if (this.#total > this.#limits.maxTotalBytes) {
      throw tooLarge("Upload", this.#limits.maxTotalBytes);
    }
    if (carry === null) {
      this.#buf = value;
    } else {
      const joined = new Uint8Array(carry.length + value.length);
      joined.set(carry);
      joined.set(value, carry.length);
      this.#buf = joined;
    }
  }

  /**
   * Skips whatever is left of the current part and answers the next part's
   * header block (without the blank line), or null after the closing delimiter.
   */
  async nextPart(): Promise<Uint8Array | null> {
    while (this.#state === "body") await this.readBody();
    while (this.#state === "preamble") {
      const at = this.#findDelimiter(this.#buf, 0);
      if (at >= 0) {
        this.#buf = this.#buf.subarray(at + this.#delimiter.length);
        this.#state = "boundary";
      } else {
        // Text before the first delimiter is ignored, as RFC 2046 says.
        this.#buf = this.#buf.subarray(
          Math.max(this.#buf.length - this.#delimiter.length + 1, 0),
        );
        await this.#fill();
      }
    }
    if (this.#state === "boundary") {
      while (this.#buf.length < 2) await this.#fill();
      if (this.#buf[0] === DASH && this.#buf[1] === DASH) {
        this.#state = "done";
        return null;
      }
      // After the delimiter: optional transport padding, then CRLF, which is
      // left in place so that a part with no headers is just CRLFCRLF.
      let eol = findCrlf(this.#buf, 0);
      while (eol < 0) {
        if (this.#buf.length > 256) {
          throw malformed("Multipart boundary line is malformed");
        }
        await this.#fill();
        eol = findCrlf(this.#buf, 0);
      }
      for (let i = 0; i < eol; i++) {
        if (this.#buf[i] !== 32 && this.#buf[i] !== 9) {
          throw malformed("Multipart boundary line is malformed");
        }
      }
      this.#buf = this.#buf.subarray(eol);
      this.#state = "headers";
    }
    if (this.#state === "headers") {
      let end = findHeaderEnd(this.#buf, 0);
      while (end < 0) {
        if (this.#buf.length > this.#limits.maxHeaderBytes) {
          throw malformed("Multipart part headers are too large");
        }
        await this.#fill();
        end = findHeaderEnd(this.#buf, 0);
      }
      if (end > this.#limits.maxHeaderBytes) {
        throw malformed("Multipart part headers are too large");
      }
      const headers = this.#buf.slice(2, end);
      this.#buf = this.#buf.subarray(end + 4);
      this.#state = "body";
      return headers;
    }
    return null;
  }

  /** The next piece of the current part's body, or null at its end. */
  async readBody(): Promise<Uint8Array | null> {
    while (this.#state === "body") {
      const at = this.#findDelimiter(this.#buf, 0);
      if (at === 0) {
        this.#buf = this.#buf.subarray(this.#delimiter.length);
        this.#state = "boundary";
        return null;
      }
      if (at > 0) {
        const piece = this.#buf.subarray(0, at);
        this.#buf = this.#buf.subarray(at);
        return piece;
      }
      // Hold back only a tail that could begin a delimiter. Usually there is
      // none, so the buffer empties and the next input is used without a copy.
      const safe = this.#partialTail();
      if (safe > 0) {
        const piece = this.#buf.subarray(0, safe);
        this.#buf = this.#buf.subarray(safe);
        return piece;
      }
      await this.#fill();
    }
    return null;
  }

  // Where the longest suffix of the buffer that is a proper prefix of the
  // delimiter starts (the buffer's length if there is none).
  #partialTail(): number {
    const buf = this.#buf;
    const delimiter = this.#delimiter;
    for (
      let start = Math.max(buf.length - delimiter.length + 1, 0);
      start < buf.length;
      start++
    ) {
      let i = start;
      while (i < buf.length && buf[i] === delimiter[i - start]) i++;
      if (i === buf.length) return start;
    }
    return buf.length;
  }

  /** Stops reading the request body (and lets go of it). */
  async cancel(reason?: unknown): Promise<void> {
    await (this.#byob ?? this.#reader)!.cancel(reason).catch(() => {});
  }
}

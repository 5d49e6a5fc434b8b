import {
  getMultipartBoundary,
  MultipartPart,
} from "@remix-run/multipart-parser";
import { ApiError } from "../errors.ts";
import { CLOSE_AFTER, tooLarge } from "./_errors.ts";
import { filenameStar } from "./filename_star.ts";
import { malformed, MultipartReader } from "./_multipart_reader.ts";

/** The file part handed to `onFile`; its bytes arrive as they are uploaded. */
export interface UploadedFile {
  /** The client's file name, unsanitised ("" when absent). */
  filename: string;
  /** The client's declared type: a hint only, never to be trusted alone. */
  declaredType: string | undefined;
  /** The part's body; read it (or cancel it) before `onFile` resolves. */
  stream: ReadableStream<Uint8Array>;
}

/** Options for `readUpload`. */
export interface ReadUploadOptions<T> {
  /** Largest accepted file, in bytes; more answers 413. */
  maxBytes: number;
  /** Stores the file part; its result becomes `file`. */
  onFile: (file: UploadedFile) => Promise<T>;
  /** Undoes `onFile` when the request fails after it (e.g. an oversized field). */
  onDiscard?: (file: T) => Promise<void>;
  /** Largest text field in bytes; 16 KiB by default. */
  maxFieldBytes?: number;
  /** Most text fields accepted; 20 by default. */
  maxFields?: number;
}

/** What `readUpload` found in the body. */
export interface Upload<T> {
  /** What `onFile` answered for the file part. */
  file: T;
  /** Text fields by name (the first of repeated names wins), e.g. `content`. */
  fields: Record<string, string>;
}

/** The field names a file may arrive under. */
export const FILE_FIELDS: readonly string[] = ["file", "upload"];

const MAX_HEADER_BYTES = 8 * 1024;
// Room for fields, part headers and boundaries on top of the file itself.
const OVERHEAD_BYTES = 1024 * 1024;
const decoder = new TextDecoder("utf-8", { fatal: true });

function describePart(headerBytes: Uint8Array) {
  let part;
  let disposition;
  try {
    // The library parses the header block: quoting and UTF-8 names.
    part = new MultipartPart(headerBytes, []);
    disposition = part.headers["content-disposition"] ?? "";
  } catch {
    throw malformed("Multipart part headers are not valid UTF-8");
  }
  // filename* first: the library's own reading of it may write to the console.
  const star = filenameStar(disposition);
  return {
    name: part.name,
    filename: star ?? part.filename,
    type: part.mediaType,
  };
}

async function readField(
  reader: MultipartReader,
  name: string,
  maxBytes: number,
): Promise<string> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  for (
    let piece = await reader.readBody();
    piece;
    piece = await reader.readBody()
  ) {
    size += piece.length;
    if (size > maxBytes) {
      throw new ApiError(
        413,
        "field_too_large",
        `Field "${name}" is larger than ${maxBytes} bytes`,
        { ...CLOSE_AFTER },
      );
    }
    // Pieces are views of the reader's buffer, which the next read reuses.
    pieces.push(piece.slice());
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.length;
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw malformed(`Field "${name}" is not valid UTF-8`);
  }
}

// A byte stream, so the consumer can have the bytes copied straight into its
// own buffers (a BYOB read); a default reader gets a copy of each piece. Either
// way nothing outside sees the reader's reused buffer.
function partStream(
  reader: MultipartReader,
  maxBytes: number,
): ReadableStream<Uint8Array> {
  let size = 0;
  let rest: Uint8Array | null = null;
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      if (rest === null || rest.length === 0) {
        rest = await reader.readBody();
        if (rest === null) {
          controller.close();
          controller.byobRequest?.respond(0);
          return;
        }
        size += rest.length;
        if (size > maxBytes) {
          throw tooLarge("File", maxBytes);
        }
      }
      const request = controller.byobRequest;
      const view = request?.view;
      if (request && view) {
        const n = Math.min(view.byteLength, rest.length);
        new Uint8Array(view.buffer, view.byteOffset, n).set(
          rest.subarray(0, n),
        );
        rest = rest.subarray(n);
        request.respond(n);
      } else {
        controller.enqueue(rest.slice());
        rest = null;
      }
    },
    // Pull only when the consumer reads: the upload moves at the storage's pace.
  });
}

/**
 * Reads a `multipart/form-data` upload without buffering the file: the first
 * part named `file` or `upload` is streamed to `onFile`, small text fields
 * (such as `content`) are collected, other file parts are skipped.
 * Not multipart answers 415, a malformed body 400, an oversized file or field
 * 413, and a body without a file part 422 `file_required`.
 */
export async function readUpload<T>(
  req: Request,
  options: ReadUploadOptions<T>,
): Promise<Upload<T>> {
  const { maxBytes, onFile, onDiscard } = options;
  const maxFieldBytes = options.maxFieldBytes ?? 16 * 1024;
  const maxFields = options.maxFields ?? 20;
  const contentType = req.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  if (mediaType !== "multipart/form-data") {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Expected multipart/form-data, got "${mediaType || "nothing"}"`,
    );
  }
  const boundary = getMultipartBoundary(contentType);
  // RFC 2046: 1 to 70 characters from a small set, not ending in a space.
  if (
    !boundary ||
    !/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)
  ) {
    throw malformed("Multipart Content-Type has no valid boundary");
  }
  const maxTotalBytes = maxBytes + OVERHEAD_BYTES;
  const declaredLength = Number(req.headers.get("content-length") ?? NaN);
  if (declaredLength > maxTotalBytes) {
    // Not a byte of it is wanted: let go of the body before answering.
    await req.body?.cancel().catch(() => {});
    throw tooLarge("Upload", maxBytes);
  }
  if (!req.body) throw malformed("Multipart body is empty");

  const reader = new MultipartReader(req.body, boundary, {
    maxTotalBytes,
    maxHeaderBytes: MAX_HEADER_BYTES,
  });
  // No prototype: a field named "__proto__" must stay a plain entry.
  const fields: Record<string, string> = Object.create(null);
  let fieldCount = 0;
  let stored: { value: T } | null = null;
  try {
    for (
      let headers = await reader.nextPart();
      headers;
      headers = await reader.nextPart()
    ) {
      const part = describePart(headers);
      if (part.name === undefined) continue;
      if (FILE_FIELDS.includes(part.name)) {
        // A second file is skipped: the message carries one.
        if (stored) continue;
        stored = {
          value: await onFile({
            filename: part.filename ?? "",
            declaredType: part.type,
            stream: partStream(reader, maxBytes),
          }),
        };
      } else if (part.filename === undefined) {
        if (++fieldCount > maxFields) {
          throw malformed(`Upload has more than ${maxFields} fields`);
        }
        const value = await readField(reader, part.name, maxFieldBytes);
        if (!Object.hasOwn(fields, part.name)) fields[part.name] = value;
      }
    }
    if (!stored) {
      throw new ApiError(
        422,
        "file_required",
        `Upload has no file field (expected "file" or "upload")`,
      );
    }
    return { file: stored.value, fields };
  } catch (err) {
    await reader.cancel(err);
    // A failed discard is left to the sweeper, which reclaims uncommitted uploads.
    if (stored && onDiscard) await onDiscard(stored.value).catch(() => {});
    throw err;
  } finally {
    // Anything after the closing boundary is an epilogue nobody needs.
    if (reader.done) await reader.cancel();
  }
}

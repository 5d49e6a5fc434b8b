import type { z } from "zod";
import { ApiError } from "../errors.ts";
import { validate } from "../validation.ts";

/** JSON bodies are small: nothing in the API needs more than this. */
export const MAX_JSON_BYTES = 64 * 1024;

/** Reads the body as text, refusing it with 413 once it passes `maxBytes`. */
export async function readText(
  req: Request,
  maxBytes = MAX_JSON_BYTES,
): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    // Not a byte of it is wanted: let go of the body before answering.
    await req.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(
      400,
      "bad_request",
      "The request body could not be read",
    );
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(
      400,
      "bad_encoding",
      "The request body is not valid UTF-8",
    );
  }
}

/** The media type of a request without parameters, lowercased. */
export function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0].trim()
    .toLowerCase();
}

/** Reads a JSON body and validates it: 415 wrong type, 400 malformed, 422 invalid. */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
): Promise<z.infer<T>> {
  const type = mediaType(req);
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "Send the body as application/json",
    );
  }
  return parseJsonText(await readText(req), schema);
}

/** Parses JSON text and validates it against a schema. */
export function parseJsonText<T extends z.ZodType>(
  text: string,
  schema: T,
): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(
      400,
      "malformed_json",
      "The request body is not valid JSON",
    );
  }
  return validate(value, schema);
}

/** Validates the query string against a schema of string fields. */
export function readQuery<T extends z.ZodType>(
  url: URL,
  schema: T,
): z.infer<T> {
  return validate(Object.fromEntries(url.searchParams), schema);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `The request body is larger than ${Math.round(maxBytes / 1024)} KiB`,
    // The rest of the body is not wanted: no further request on this connection.
    { connection: "close" },
  );
}

import { ApiError } from "../errors.ts";

/**
 * Headers of every refusal of an oversized body: the rest of the body is not
 * wanted, so the connection is not kept for another request after it.
 */
export const CLOSE_AFTER: Readonly<Record<string, string>> = {
  connection: "close",
};

/** The 413 for a file (or a whole upload body) past its limit. */
export function tooLarge(
  subject: "File" | "Upload",
  maxBytes: number,
): ApiError {
  return new ApiError(
    413,
    "file_too_large",
    `${subject} is larger than the limit of ${maxBytes} bytes`,
    { ...CLOSE_AFTER },
  );
}

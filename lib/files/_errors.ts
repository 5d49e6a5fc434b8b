import { ApiError } from "../errors.ts";

/** The 413 for a file (or a whole upload body) past its limit. */
export function tooLarge(
  subject: "File" | "Upload",
  maxBytes: number,
): ApiError {
  return new ApiError(
    413,
    "file_too_large",
    `${subject} is larger than the limit of ${maxBytes} bytes`,
  );
}

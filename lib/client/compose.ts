/**
 * The message box's rules about length: when the counter shows, what a paste
 * would make of the text, and the text file an over-long paste can be sent
 * as instead. Lengths are measured as the server measures them
 * (`contentLength`: code points, so 4,000 emoji fit).
 */
import { MAX_CONTENT_LENGTH } from "../shared/limits.ts";

/** From this many characters on, the composer shows its counter. */
export const COUNTER_FROM = MAX_CONTENT_LENGTH - 500;

/** The box's text once `inserted` replaces the selection `start`..`end`. */
export function afterInsert(
  value: string,
  start: number,
  end: number,
  inserted: string,
): string {
  return value.slice(0, start) + inserted + value.slice(end);
}

/** A plain-text file holding `text`, named after the time it was made. */
export function textFile(text: string, now = new Date()): File {
  const stamp = now.toISOString().slice(0, 16).replace("T", "-").replace(
    ":",
    "",
  );
  return new File([text], `message-${stamp}.txt`, {
    type: "text/plain;charset=utf-8",
  });
}

/**
 * Server logs in tests: kept in memory, shown only for a test that fails.
 *
 * Every in-process server writes through `lib/log.ts`, one JSON line per
 * request. Printed, those lines bury the test names and results; dropped,
 * they are missing exactly when a test fails. Importing this module sends the
 * process's log lines to a bounded buffer, and {@linkcode showLogOnFailure}
 * prints the lines written while its body ran if the body throws. Server
 * subprocesses join in through {@linkcode bufferOutputOf}.
 */
import { setLogSink } from "../../lib/log.ts";

/** Lines kept; older ones are dropped first. */
const MAX_LINES = 5_000;

const buffered: string[] = [];
// Count of every line ever written, so a test can find where its own start.
let written = 0;

/** Keeps `line` in the buffer; the sink installed when this module loads. */
export function bufferLogLine(line: string): void {
  buffered.push(line);
  written++;
  if (buffered.length > MAX_LINES) buffered.shift();
}

setLogSink(bufferLogLine);

/** An `onLine` for a server subprocess: its lines join the buffer, marked with `label`. */
export function bufferOutputOf(label: string): (line: string) => void {
  return (line) => bufferLogLine(`${label} | ${line}`);
}

/** Buffered lines written since `mark` (a value of {@linkcode logMark}). */
export function logSince(mark: number): string[] {
  const kept = Math.min(written - mark, buffered.length);
  return buffered.slice(buffered.length - kept);
}

/** A position in the log, for {@linkcode logSince}. */
export function logMark(): number {
  return written;
}

/** Prints `lines` to stderr under a heading naming `label`. */
export function printLog(label: string, lines: string[]): void {
  console.error(
    `\n----- log of ${label} (${lines.length} lines) -----\n${
      lines.join("\n")
    }\n----- end of log -----`,
  );
}

/**
 * Runs `body`; if it throws, prints the log lines written meanwhile (under a
 * heading naming `label`, e.g. the server's URL) before passing the error on.
 */
export async function showLogOnFailure<T>(
  label: string,
  body: () => Promise<T>,
): Promise<T> {
  const mark = logMark();
  try {
    return await body();
  } catch (error) {
    printLog(label, logSince(mark));
    throw error;
  }
}

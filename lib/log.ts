/** Severity of a log line. */
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
let threshold: Level = "info";

// Lines not yet written. Under load the request log wrote one line per
// request, each its own write to standard output: about an eighth of the CPU
// of a cached page of messages. Lines now go out together, at most
// FLUSH_MS after the first of them (a write per turn of the event loop was
// still a twentieth of a page's CPU at 1,600 pages/s), or at once when
// FLUSH_BYTES have gathered; warnings and errors go at once (with everything
// before them), and whatever is left goes when the process exits normally.
let pending: string[] = [];
let pendingBytes = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/** Longest a line waits to be written, in ms. */
export const FLUSH_MS = 20;
/** Most bytes (UTF-16 units) of lines held back before they are written. */
export const FLUSH_BYTES = 64 * 1024;

/** Writes the log lines still held back, now. */
export function flushLogs(): void {
  if (flushTimer !== undefined) {
    clearTimeout(flushTimer);
    flushTimer = undefined;
  }
  if (pending.length === 0) return;
  const lines = pending.join("\n");
  pending = [];
  pendingBytes = 0;
  console.log(lines);
}

function batchedSink(line: string): void {
  pending.push(line);
  pendingBytes += line.length;
  if (pendingBytes >= FLUSH_BYTES) return flushLogs();
  if (flushTimer === undefined) {
    const timer = setTimeout(flushLogs, FLUSH_MS);
    // Held-back lines never keep a finished process alive: unload writes them.
    Deno.unrefTimer(timer);
    flushTimer = timer;
  }
}

globalThis.addEventListener("unload", flushLogs);

let sink: (line: string) => void = batchedSink;

/** Sets the least severe level that is written. */
export function setLogLevel(level: Level): void {
  threshold = level;
}

/** Redirects log lines, e.g. to capture them in tests; returns the previous sink. */
export function setLogSink(
  next: (line: string) => void,
): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

/** Writes one structured JSON log line. */
export function log(
  level: Level,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  if (ORDER[level] < ORDER[threshold]) return;
  sink(
    JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }),
  );
  if (ORDER[level] >= ORDER.warn) flushLogs();
}

/** Log fields for a caught error: its message and stack, kept on the one line. */
export function errorFields(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { error: String(error) };
  return {
    error: String(error),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

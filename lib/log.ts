/** Severity of a log line. */
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
let threshold: Level = "info";
let sink: (line: string) => void = (line) => console.log(line);

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
}

/** Log fields for a caught error: its message and stack, kept on the one line. */
export function errorFields(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { error: String(error) };
  return {
    error: String(error),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

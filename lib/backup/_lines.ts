import { BackupError } from "./format.ts";

// Longest line accepted: a 64 KiB chunk is about 87 KiB of base64.
const MAX_LINE_CHARS = 1024 * 1024;

/** Splits a UTF-8 byte stream into lines, without their "\n" (or "\r\n"). */
export async function* readLines(
  input: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let buffer = "";
  let line = 0;
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes === undefined
        ? decoder.decode()
        : decoder.decode(bytes, { stream: true });
    } catch {
      throw new BackupError("not valid UTF-8", line + 1);
    }
  };
  const strip = (text: string) =>
    text.endsWith("\r") ? text.slice(0, -1) : text;
  for await (const bytes of input) {
    buffer += decode(bytes);
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf("\n", start)) !== -1) {
      line++;
      yield strip(buffer.slice(start, end));
      start = end + 1;
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_LINE_CHARS) {
      throw new BackupError(
        `longer than ${MAX_LINE_CHARS} characters: not a Hearth backup line`,
        line + 1,
      );
    }
  }
  buffer += decode();
  if (buffer.length > 0) yield strip(buffer);
}

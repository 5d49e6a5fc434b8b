import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { frameStart, sharedBytes, textFrame } from "./_text_frames.ts";

// Reads back an unmasked text frame: FIN, opcode, payload length and text.
function parse(frame: Buffer) {
  const short = frame[1] & 0x7f;
  const [length, head] = short === 126
    ? [frame.readUInt16BE(2), 4]
    : short === 127
    ? [Number(frame.readBigUInt64BE(2)), 10]
    : [short, 2];
  return {
    fin: (frame[0] & 0x80) !== 0,
    opcode: frame[0] & 0x0f,
    masked: (frame[1] & 0x80) !== 0,
    length,
    total: frame.length - head,
    text: frame.subarray(head).toString(),
  };
}

Deno.test("textFrame builds one whole unmasked text frame, its length in bytes in the shortest form", () => {
  for (
    const text of [
      "",
      "x".repeat(125),
      "x".repeat(126),
      "é".repeat(63), // 126 bytes in 63 characters
      "x".repeat(65_535),
      "x".repeat(65_536),
      '{"type":"message","content":"héllo 🔥"}',
    ]
  ) {
    const frame = textFrame(text);
    const bytes = Buffer.byteLength(text);
    const read = parse(frame);
    assert.deepEqual(
      { ...read, text: read.text === text },
      {
        fin: true,
        opcode: 1,
        masked: false,
        length: bytes,
        total: bytes,
        text: true,
      },
      `a text of ${bytes} bytes`,
    );
    const head = bytes < 126 ? 2 : bytes < 65_536 ? 4 : 10;
    assert.equal(frame.length, head + bytes);
  }
});

Deno.test("a split text's frame start and shared bytes make the frame of the joined text", () => {
  for (
    const [start, rest] of [
      ["", ""],
      ['{"type":"ready"', "}"],
      ["x".repeat(100), "y".repeat(25)],
      ["x".repeat(100), "é".repeat(13)],
      ['{"type":"ready","n":1', `,"members":${"[1]".repeat(30_000)}}`],
    ]
  ) {
    const rest1 = sharedBytes(rest);
    const joined = Buffer.concat([frameStart(start, rest1.length), rest1]);
    assert.deepEqual(joined, textFrame(start + rest));
    assert.equal(sharedBytes(rest), rest1, "the shared end is made once");
  }
});

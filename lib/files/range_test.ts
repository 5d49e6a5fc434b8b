import assert from "node:assert/strict";
import { parseRange } from "./range.ts";

Deno.test("parseRange() answers null without a header", () => {
  assert.equal(parseRange(null, 100), null);
});

Deno.test("parseRange() reads bytes=a-b inclusively", () => {
  assert.deepEqual(parseRange("bytes=0-0", 100), { start: 0, end: 0 });
  assert.deepEqual(parseRange("bytes=10-19", 100), { start: 10, end: 19 });
  assert.deepEqual(parseRange("bytes=0-99", 100), { start: 0, end: 99 });
});

Deno.test("parseRange() reads bytes=a- to the end", () => {
  assert.deepEqual(parseRange("bytes=90-", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=0-", 1), { start: 0, end: 0 });
});

Deno.test("parseRange() reads bytes=-n as the last n bytes", () => {
  assert.deepEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
});

Deno.test("parseRange() clamps an end beyond the size", () => {
  assert.deepEqual(parseRange("bytes=50-1000", 100), { start: 50, end: 99 });
  assert.deepEqual(parseRange("bytes=0-99999999999999999999999", 100), {
    start: 0,
    end: 99,
  });
});

Deno.test("parseRange() answers unsatisfiable for a start at or past the size", () => {
  assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=150-200", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=0-", 0), "unsatisfiable");
  assert.equal(parseRange("bytes=99999999999999999999-", 100), "unsatisfiable");
});

Deno.test("parseRange() answers unsatisfiable for -0 and any suffix of an empty file", () => {
  assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=-5", 0), "unsatisfiable");
});

Deno.test("parseRange() ignores garbage, other units and reversed ranges", () => {
  for (
    const header of [
      "",
      "bytes",
      "bytes=",
      "bytes=-",
      "bytes=abc",
      "bytes=1-2-3",
      "bytes=-1-2",
      "bytes=+1-2",
      "bytes=0x10-",
      "bytes=1.5-2",
      "items=0-10",
      "0-10",
      "bytes=20-10",
    ]
  ) {
    assert.equal(parseRange(header, 100), null, header);
  }
});

Deno.test("parseRange() ignores multiple ranges and sends the whole file", () => {
  assert.equal(parseRange("bytes=0-10, 20-30", 100), null);
  assert.equal(parseRange("bytes=0-,-1", 100), null);
});

Deno.test("parseRange() accepts any case and surrounding spaces", () => {
  assert.deepEqual(parseRange(" Bytes = 1-2 ", 100), { start: 1, end: 2 });
});

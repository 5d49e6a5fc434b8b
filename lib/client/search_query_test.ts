import assert from "node:assert/strict";
import { matchParts, parseSearch } from "./search_query.ts";

Deno.test("parseSearch takes from:, in: and has:file out of the words", () => {
  assert.deepEqual(parseSearch("from:@Ada  budget in:#general has:file q3"), {
    text: "budget q3",
    from: "Ada",
    in: "general",
    hasFile: true,
  });
  assert.deepEqual(parseSearch("has:cake lunch"), {
    text: "has:cake lunch",
    hasFile: false,
  });
  assert.deepEqual(parseSearch("東京 会議"), {
    text: "東京 会議",
    hasFile: false,
  });
});

Deno.test("matchParts marks every match, whatever its case", () => {
  assert.deepEqual(matchParts("Tea, then TEA.", "tea"), [
    { text: "Tea", match: true },
    { text: ", then ", match: false },
    { text: "TEA", match: true },
    { text: ".", match: false },
  ]);
  assert.deepEqual(matchParts("no hit", "xyz"), [
    { text: "no hit", match: false },
  ]);
});

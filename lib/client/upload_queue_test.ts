import assert from "node:assert/strict";
import { sizeRefusal } from "./upload_queue.ts";

const MB = 1024 * 1024;

Deno.test("sizeRefusal() says in words how large the file is and what the limit is", () => {
  assert.equal(sizeRefusal(100 * MB, 100 * MB), null);
  assert.equal(
    sizeRefusal(120 * MB, 100 * MB),
    "This file is 120 MB; the limit here is 100 MB.",
  );
  // Sizes that round to the limit still read as larger than it.
  assert.equal(
    sizeRefusal(100 * MB + 1, 100 * MB),
    "This file is 100.0 MB; the limit here is 100 MB.",
  );
});

import assert from "node:assert/strict";
import { waitFor } from "../tests/helpers/deadline.ts";
import { flushLogs, log } from "./log.ts";

// Captures what the default sink writes to the console.
async function captured(body: (writes: string[]) => Promise<void>) {
  const writes: string[] = [];
  const original = console.log;
  console.log = (text: string) => void writes.push(text);
  try {
    await body(writes);
  } finally {
    flushLogs();
    console.log = original;
  }
}

Deno.test("log lines of one turn go out in one write, a moment later", async () => {
  await captured(async (writes) => {
    log("info", "one");
    log("info", "two");
    assert.equal(writes.length, 0);
    await waitFor(() => writes.length > 0, {
      what: "the batched write",
      timeoutMs: 2000,
    });
    assert.equal(writes.length, 1);
    const lines = writes[0].split("\n").map((line) => JSON.parse(line).msg);
    assert.deepEqual(lines, ["one", "two"]);
  });
});

Deno.test("a warning or error goes at once, after the lines held before it", async () => {
  await captured(async (writes) => {
    log("info", "before");
    log("error", "broken");
    assert.equal(writes.length, 1);
    const lines = writes[0].split("\n").map((line) => JSON.parse(line).msg);
    assert.deepEqual(lines, ["before", "broken"]);
    await Promise.resolve();
  });
});

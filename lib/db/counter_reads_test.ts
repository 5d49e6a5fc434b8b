import assert from "node:assert/strict";
import { readCounterSince } from "./counter_reads.ts";
import { withKv } from "./_test_utils.ts";
import { channelSeqKey } from "./_keys.ts";

// A KV handle whose reads wait until the test answers them, in order.
function heldKv() {
  const pending: ((value: unknown) => void)[] = [];
  const kv = {
    get(_key: Deno.KvKey) {
      return new Promise((resolve) =>
        pending.push((value) => resolve({ value }))
      );
    },
  } as unknown as Deno.Kv;
  return { kv, pending };
}

Deno.test("callers asking while a counter read runs share the next read, begun after they asked", async () => {
  const { kv, pending } = heldKv();
  const first = readCounterSince(kv, "c1");
  const second = readCounterSince(kv, "c1");
  const third = readCounterSince(kv, "c1");
  assert.equal(pending.length, 1);
  // The read under way may predate the later callers: they must not get it.
  pending[0]({ seq: 4, rev: 5 });
  assert.deepEqual(await first, { seq: 4, rev: 5 });
  assert.equal(pending.length, 2);
  pending[1]({ seq: 6, rev: 7 });
  assert.deepEqual(await second, { seq: 6, rev: 7 });
  assert.deepEqual(await third, { seq: 6, rev: 7 });
  assert.equal(pending.length, 2);
  // Another channel reads on its own; a caller after the end reads anew.
  const other = readCounterSince(kv, "c2");
  const later = readCounterSince(kv, "c1");
  assert.equal(pending.length, 4);
  pending[2](null);
  pending[3](3);
  assert.deepEqual(await other, { seq: 0, rev: 0 });
  assert.deepEqual(await later, { seq: 3, rev: 3 });
});

Deno.test("a failed counter read fails its callers and leaves the next read free", async () => {
  let fail = true;
  const kv = {
    get: () =>
      fail ? Promise.reject(new Error("closed")) : Promise.resolve({
        value: { seq: 1, rev: 1 },
      }),
  } as unknown as Deno.Kv;
  const failed = readCounterSince(kv, "c");
  const waiting = readCounterSince(kv, "c");
  fail = false;
  await assert.rejects(failed, /closed/);
  assert.deepEqual(await waiting, { seq: 1, rev: 1 });
  assert.deepEqual(await readCounterSince(kv, "c"), { seq: 1, rev: 1 });
});

Deno.test("the counter read sees what was committed before the call", () =>
  withKv(async (kv) => {
    const id = crypto.randomUUID();
    assert.deepEqual(await readCounterSince(kv, id), { seq: 0, rev: 0 });
    await kv.set(channelSeqKey(id), { seq: 9, rev: 12 });
    assert.deepEqual(await readCounterSince(kv, id), { seq: 9, rev: 12 });
  }));

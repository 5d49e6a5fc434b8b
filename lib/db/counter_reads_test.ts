import assert from "node:assert/strict";
import { readCounterSince } from "./counter_reads.ts";
import { withKv } from "./_test_utils.ts";
import { channelSeqKey } from "./_keys.ts";
import { sleep, waitFor } from "../../tests/helpers/deadline.ts";

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
  /** Resolves once `count` reads have begun in all. */
  const begun = (count: number) =>
    waitFor(() => pending.length >= count, {
      what: `read ${count}`,
      intervalMs: 1,
    });
  return { kv, pending, begun };
}

Deno.test("callers asking while a counter read runs share the next read, begun after they asked", async () => {
  const { kv, pending, begun } = heldKv();
  const first = readCounterSince(kv, "c1", 0);
  const second = readCounterSince(kv, "c1", 0);
  const third = readCounterSince(kv, "c1", 0);
  assert.equal(pending.length, 1);
  // The read under way may predate the later callers: they must not get it.
  pending[0]({ seq: 4, rev: 5 });
  assert.deepEqual(await first, { seq: 4, rev: 5 });
  await begun(2);
  pending[1]({ seq: 6, rev: 7 });
  assert.deepEqual(await second, { seq: 6, rev: 7 });
  assert.deepEqual(await third, { seq: 6, rev: 7 });
  assert.equal(pending.length, 2);
  // Another channel reads on its own; a caller after the end reads anew.
  const other = readCounterSince(kv, "c2", 0);
  const later = readCounterSince(kv, "c1", 0);
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
  const failed = readCounterSince(kv, "c", 0);
  const waiting = readCounterSince(kv, "c", 0);
  fail = false;
  await assert.rejects(failed, /closed/);
  assert.deepEqual(await waiting, { seq: 1, rev: 1 });
  assert.deepEqual(await readCounterSince(kv, "c", 0), { seq: 1, rev: 1 });
});

Deno.test("reads of one channel begin at least the gap apart; a lone caller after it reads at once", async () => {
  const gapMs = 200;
  const { kv, pending, begun } = heldKv();
  const first = readCounterSince(kv, "c", gapMs);
  const startedAt = performance.now();
  pending[0]({ seq: 1, rev: 1 });
  await first;
  // The first read is over, but the gap is not: the next callers wait for
  // it and share one read.
  const crowd = [1, 2, 3].map(() => readCounterSince(kv, "c", gapMs));
  assert.equal(pending.length, 1);
  await begun(2);
  assert.ok(performance.now() - startedAt >= gapMs - 1);
  pending[1]({ seq: 2, rev: 2 });
  for (const answer of await Promise.all(crowd)) {
    assert.deepEqual(answer, { seq: 2, rev: 2 });
  }
  assert.equal(pending.length, 2);
  // Once the gap has passed, a caller's read begins at once.
  await sleep(gapMs);
  const lone = readCounterSince(kv, "c", gapMs);
  assert.equal(pending.length, 3);
  pending[2]({ seq: 3, rev: 3 });
  assert.deepEqual(await lone, { seq: 3, rev: 3 });
  // Another channel has a gap of its own.
  const other = readCounterSince(kv, "elsewhere", gapMs);
  assert.equal(pending.length, 4);
  pending[3](null);
  assert.deepEqual(await other, { seq: 0, rev: 0 });
});

Deno.test("the counter read sees what was committed before the call", () =>
  withKv(async (kv) => {
    const id = crypto.randomUUID();
    assert.deepEqual(await readCounterSince(kv, id), { seq: 0, rev: 0 });
    await kv.set(channelSeqKey(id), { seq: 9, rev: 12 });
    // Within the gap of the first read: this one waits for it, still begun after the call.
    assert.deepEqual(await readCounterSince(kv, id), { seq: 9, rev: 12 });
  }));

import assert from "node:assert/strict";
import {
  OnlineRecordReader,
  OnlineRecordWriter,
  PART_USERS,
} from "./online_records.ts";

const ids = (n: number, tag = "u") =>
  Array.from({ length: n }, (_, i) => `${tag}${i}`);

Deno.test("Online records: each instance's users read back; a change rewrites one part, not the list", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const a = new OnlineRecordWriter(kv, "a", 60_000);
    const b = new OnlineRecordWriter(kv, "b", 60_000);
    const reader = new OnlineRecordReader(kv);
    const many = ids(10_000);
    // 10,000 users in parts of at most PART_USERS on average.
    const parts = await a.write({ seq: 3, beat: 1, users: () => many });
    assert.ok(parts >= 10_000 / PART_USERS, `${parts} parts`);
    assert.equal(await b.write({ seq: 0, beat: 1, users: () => ["x"] }), 1);
    let records = await reader.read();
    assert.deepEqual(records.get("a")!.users.toSorted(), many.toSorted());
    assert.equal(records.get("a")!.seq, 3);
    assert.deepEqual(records.get("b")!.users, ["x"]);

    // One user leaves: one part and the head are written.
    const fewer = many.filter((id) => id !== "u42");
    assert.equal(await a.write({ seq: 4, beat: 2, users: () => fewer }), 1);
    // Nothing changed: the head alone.
    assert.equal(await a.write({ seq: 4, beat: 3, users: () => fewer }), 0);
    records = await reader.read();
    assert.equal(records.get("a")!.beat, 3);
    assert.deepEqual(records.get("a")!.users.toSorted(), fewer.toSorted());

    // The list shrinks below one part: the parts past it are deleted.
    await a.write({ seq: 5, beat: 4, users: () => ["u1"] });
    records = await reader.read();
    assert.deepEqual(records.get("a")!.users, ["u1"]);
    const left = await Array.fromAsync(
      kv.list({ prefix: ["online_users", "a"] }),
    );
    assert.equal(left.length, 1);

    // A beat without the users: the head alone, and readers keep the users
    // (at the batch they were written at).
    const noUsers = () => {
      throw new Error("users asked for");
    };
    assert.equal(await a.write({ seq: 9, beat: 5, users: noUsers }, false), 0);
    records = await reader.read();
    assert.equal(records.get("a")!.beat, 5);
    assert.equal(records.get("a")!.seq, 5);
    assert.deepEqual(records.get("a")!.users, ["u1"]);

    // A goodbye deletes the head and the parts: the instance is gone.
    await a.delete();
    records = await reader.read();
    assert.equal(records.has("a"), false);
    assert.equal(records.has("b"), true);
  } finally {
    kv.close();
  }
});

Deno.test("Online records: a head whose part is not at its generation yet is left out, then read once it is", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const a = new OnlineRecordWriter(kv, "a", 60_000);
    await a.write({ seq: 1, beat: 1, users: () => ["u1"] });
    // A head naming a newer part than stored (a write between its commits).
    const head = (await kv.get<{ gens: number[] }>(["online_heads", "a"]))
      .value!;
    await kv.set(["online_heads", "a"], { ...head, beat: 2, gens: [2] });
    const reader = new OnlineRecordReader(kv);
    assert.equal((await reader.read()).has("a"), false);
    await a.write({ seq: 2, beat: 3, users: () => ["u1", "u2"] });
    assert.deepEqual(
      (await reader.read()).get("a")!.users.toSorted(),
      ["u1", "u2"],
    );
  } finally {
    kv.close();
  }
});

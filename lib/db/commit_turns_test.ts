import assert from "node:assert/strict";
import { newCommitTurns, shareCommitTurns } from "./commit_turns.ts";
import { createMessage, listMessages } from "./messages.ts";
import { range, seqs, userWithChannel as setup } from "./_test_utils.ts";

/** Runs `body` with two handles on one fresh file, counting commits that failed their check. */
async function withTwoHandles(
  turns: boolean,
  body: (
    first: Deno.Kv,
    second: Deno.Kv,
    failed: () => number,
  ) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const first = await Deno.openKv(path);
  const second = await Deno.openKv(path);
  if (turns) {
    const shared = newCommitTurns();
    shareCommitTurns(first, shared);
    shareCommitTurns(second, shared);
  }
  let failures = 0;
  const commit = Deno.AtomicOperation.prototype.commit;
  Deno.AtomicOperation.prototype.commit = async function () {
    const result = await commit.call(this);
    if (!result.ok) failures++;
    return result;
  };
  try {
    await body(first, second, () => failures);
  } finally {
    Deno.AtomicOperation.prototype.commit = commit;
    first.close();
    second.close();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      await Deno.remove(file).catch(() => {});
    }
  }
}

Deno.test("handles that share commit turns write one channel without a lost race, gapless", async () => {
  await withTwoHandles(true, async (first, second, failed) => {
    const { user, channelId } = await setup(first);
    const before = failed();
    // Two rounds of 100 concurrent posts, half through each handle.
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from(
          { length: 100 },
          (_, i) =>
            createMessage(i % 2 === 0 ? first : second, {
              channelId,
              author: user,
              content: `m${round}.${i}`,
            }),
        ),
      );
    }
    assert.equal(failed() - before, 0, "commits that failed their check");
    const stored = await listMessages(second, channelId, { limit: 200 });
    assert.deepEqual(seqs(stored), range(1, 200));
  });
});

Deno.test("a handle that shares turns notices the other wrote, and still answers a repeated clientId with the stored message", async () => {
  await withTwoHandles(true, async (first, second) => {
    const { user, channelId } = await setup(first);
    const input = { channelId, author: user, content: "a" };
    assert.equal((await createMessage(first, input)).message.seq, 1);
    const theirs = await createMessage(second, { ...input, clientId: "x" });
    assert.equal(theirs.message.seq, 2);
    const again = await createMessage(first, { ...input, clientId: "x" });
    assert.equal(again.created, false);
    assert.deepEqual(again.message, theirs.message);
    assert.equal((await createMessage(first, input)).message.seq, 3);
  });
});

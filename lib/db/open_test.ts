import assert from "node:assert/strict";
import { revokedTokenKey } from "./_keys.ts";
import { closeDatabase, openDatabase, readerOf } from "./open.ts";
import { leaveChannel } from "./members.ts";
import { createMessage } from "./messages.ts";
import { readTokenStanding } from "./sessions.ts";
import { countReads, userWithChannel } from "./_test_utils.ts";

const notDeploy = () => undefined;

// Runs `body` with a database in a fresh file, opened with its read handle.
async function withFileDatabase(
  body: (kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  const kv = await openDatabase(`${dir}/hearth.db`, {
    env: notDeploy,
    readHandle: true,
  });
  try {
    await body(kv);
  } finally {
    closeDatabase(kv);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a file database opened with readHandle reads through a second handle, closed with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  try {
    const kv = await openDatabase(`${dir}/hearth.db`, {
      env: notDeploy,
      readHandle: true,
    });
    const reader = readerOf(kv);
    assert.notEqual(reader, kv);
    await kv.set(["written"], 1);
    assert.equal((await reader.get(["written"])).value, 1);
    closeDatabase(kv);
    await assert.rejects(() => reader.get(["written"]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a file or without readHandle, a database reads through itself", async () => {
  const memory = await openDatabase(":memory:", {
    env: notDeploy,
    readHandle: true,
  });
  assert.equal(readerOf(memory), memory);
  closeDatabase(memory);
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  try {
    const plain = await openDatabase(`${dir}/hearth.db`, { env: notDeploy });
    assert.equal(readerOf(plain), plain);
    closeDatabase(plain);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the token standing is read through the read handle, not behind the writer's commits", () =>
  withFileDatabase(async (kv) => {
    const { user, channelId } = await userWithChannel(kv);
    const jti = crypto.randomUUID();
    let standing;
    const onReader = await countReads(readerOf(kv), async () => {
      const onWriter = await countReads(kv, async () => {
        standing = await readTokenStanding(kv, user.id, jti, channelId);
      });
      assert.equal(onWriter, 0);
    });
    assert.equal(onReader, 1);
    assert.equal(standing!.revoked, false);
    assert.equal(standing!.record?.id, user.id);
    assert.notEqual(standing!.membership?.joinedAt, null);
  }));

Deno.test("what the writing handle commits is read back through the read handle at once", () =>
  withFileDatabase(async (kv) => {
    const { user, channelId } = await userWithChannel(kv);
    const author = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
    };
    let stamp: string | null = null;
    // Each change, then the very next read: a sign-out or a leave must hold
    // on the next request, and a post must move the history stamp.
    for (let i = 0; i < 30; i++) {
      await createMessage(kv, { channelId, author, content: `post ${i}` });
      const { membership } = await readTokenStanding(
        kv,
        user.id,
        "x",
        channelId,
      );
      assert.notEqual(membership!.historyStamp, stamp);
      stamp = membership!.historyStamp;
      const jti = crypto.randomUUID();
      await kv.set(revokedTokenKey(jti), 1);
      const { revoked } = await readTokenStanding(kv, user.id, jti);
      assert.equal(revoked, true);
    }
    await leaveChannel(kv, channelId, user.id);
    const { membership } = await readTokenStanding(kv, user.id, "x", channelId);
    assert.equal(membership!.joinedAt, null);
  }));

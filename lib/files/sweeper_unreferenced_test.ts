/**
 * Committed files that no message points at: the state a failed message
 * write, or a kill -9 between a file's commit and its message, leaves behind.
 */
import assert from "node:assert/strict";
import { createChannel } from "../db/channels.ts";
import { createMessage } from "../db/messages.ts";
import { createUser } from "../db/users.ts";
import { countKeys, metaFor, randomBytes, streamOf } from "./_testing.ts";
import {
  commitFileMeta,
  getFileMeta,
  startSweeper,
  sweepUnreferencedFiles,
  writeFileChunks,
} from "./store.ts";

const HOUR = 60 * 60 * 1000;

// A committed file (and thumbnail) whose message was never written.
async function committed(kv: Deno.Kv, id: string, thumbnail = false) {
  const bytes = randomBytes(150_000);
  const written = await writeFileChunks(kv, id, streamOf(bytes), {
    maxBytes: 1_000_000,
  });
  const meta = metaFor(id, written.size, written.sha256);
  if (!thumbnail) return await commitFileMeta(kv, meta);
  const thumb = await writeFileChunks(kv, `${id}-t`, streamOf(bytes), {
    maxBytes: 1_000_000,
  });
  await commitFileMeta(
    kv,
    {
      ...meta,
      thumbnail: {
        id: `${id}-t`,
        type: "image/jpeg",
        size: thumb.size,
        width: 1,
        height: 1,
      },
    },
    metaFor(`${id}-t`, thumb.size, thumb.sha256),
  );
}

Deno.test("sweepUnreferencedFiles() reclaims files no message points at, thumbnails included, and leaves the rest", async () => {
  using kv = await Deno.openKv(":memory:");
  const user = await createUser(kv, { username: "ada", passwordHash: "x" });
  const channel = await createChannel(kv, user.id, { name: "room" });
  await committed(kv, "orphan", true);
  await committed(kv, "shared");
  const { id, name, size, type } = (await getFileMeta(kv, "shared"))!;
  await createMessage(kv, {
    channelId: channel.id,
    author: user,
    content: "",
    file: { id, name, size, type },
  });

  // Young marks are left alone: the message may be on its way.
  assert.equal(await sweepUnreferencedFiles(kv, { olderThanMs: HOUR }), 0);
  assert.ok(await getFileMeta(kv, "orphan"));

  assert.equal(await sweepUnreferencedFiles(kv, { olderThanMs: 0 }), 1);
  for (const id of ["orphan", "orphan-t"]) {
    assert.equal(await getFileMeta(kv, id), null, id);
    assert.equal(await countKeys(kv, ["file_chunks", id]), 0, id);
  }
  assert.equal(await countKeys(kv, ["unreferenced_files"]), 0);
  // The file a message carries stays whole.
  assert.ok(await getFileMeta(kv, "shared"));
  assert.equal(await countKeys(kv, ["file_chunks", "shared"]), 3);
});

Deno.test("sweepUnreferencedFiles() finishes a reclaim that a crash cut short", async () => {
  using kv = await Deno.openKv(":memory:");
  await committed(kv, "half");
  // What a sweep that died after unpublishing leaves: no metadata, chunks, the mark.
  await kv.delete(["files", "half"]);
  await kv.set(["unreferenced_files", "half"], { reclaiming: ["half"] });
  assert.equal(await sweepUnreferencedFiles(kv, { olderThanMs: HOUR }), 1);
  assert.equal(await countKeys(kv, ["file_chunks", "half"]), 0);
  assert.equal(await countKeys(kv, ["unreferenced_files"]), 0);
});

Deno.test("startSweeper() reclaims unreferenced files too", async () => {
  using kv = await Deno.openKv(":memory:");
  await committed(kv, "orphan");
  await kv.set(["unreferenced_files", "orphan"], Date.now() - 2 * HOUR);
  const stop = startSweeper(kv, 60_000, { olderThanMs: HOUR });
  await stop();
  assert.equal(await getFileMeta(kv, "orphan"), null);
});

Deno.test("a process killed with SIGKILL between a file's commit and its message leaves a file the sweeper reclaims", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/crash.db`;
  try {
    const store = new URL("./store.ts", import.meta.url).href;
    // The upload's steps up to the commit, then death before the message write.
    const script = `
      import { commitFileMeta, writeFileChunks } from ${JSON.stringify(store)};
      const kv = await Deno.openKv(${JSON.stringify(db)});
      const bytes = new Uint8Array(100_000).fill(7);
      const w = await writeFileChunks(kv, "killed", ReadableStream.from([bytes]), { maxBytes: 1e6 });
      await commitFileMeta(kv, { id: "killed", name: "a.bin", size: w.size,
        type: "application/octet-stream", sha256: w.sha256, channelId: "c",
        uploaderId: "u", createdAt: new Date().toISOString() });
      Deno.kill(Deno.pid, "SIGKILL");
    `;
    const { code, signal } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--unstable-kv", script],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.equal(signal, "SIGKILL", `exit ${code}`);
    using kv = await Deno.openKv(db);
    assert.ok(await getFileMeta(kv, "killed"), "the commit survived the kill");
    assert.equal(await sweepUnreferencedFiles(kv, { olderThanMs: 0 }), 1);
    assert.equal(await getFileMeta(kv, "killed"), null);
    assert.equal(await countKeys(kv, ["file_chunks", "killed"]), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

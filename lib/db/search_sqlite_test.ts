import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { channelsPrefix } from "./_keys.ts";
import { createChannel } from "./channels.ts";
import { createMessage } from "./messages.ts";
import { openSqliteSearchIndex, sqliteIndexPath } from "./search_sqlite.ts";
import { createUser } from "./users.ts";

const INDEXER =
  new URL("../../tests/helpers/search_indexer.ts", import.meta.url)
    .pathname;

// Every row of the index and every channel's cursor, to compare two builds.
function dump(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const docs = db.prepare("SELECT rowid, text FROM docs ORDER BY rowid")
      .all();
    const channels = db.prepare("SELECT id, rev FROM channels ORDER BY id")
      .all();
    return JSON.stringify({ docs, channels });
  } finally {
    db.close();
  }
}

// The highest cursor written so far, read beside the indexer.
function cursor(path: string): number {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const row = db.prepare("SELECT max(rev) AS rev FROM channels").get();
      return Number(row?.rev ?? 0);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

Deno.test("the FTS5 index killed -9 while indexing resumes from its cursor to what a rebuild gives", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/hearth.db`;
  try {
    const kv = await Deno.openKv(db);
    const user = await createUser(kv, {
      username: "indexer",
      passwordHash: "$2b$10$not-a-real-hash",
    });
    const channel = await createChannel(kv, user.id, { name: "busy" });
    const messages = 6000;
    for (let i = 0; i < messages; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          createMessage(kv, {
            channelId: channel.id,
            author: user,
            content: `message ${i + j} about lighthouse keeping`,
          })),
      );
    }
    kv.close();
    const path = sqliteIndexPath(db);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", INDEXER, db],
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Killed once some steps committed and before the last one did.
    await waitFor(() => cursor(path) > 0, {
      what: "the first indexing step",
      timeoutMs: 60_000,
    });
    child.kill("SIGKILL");
    await child.status;
    const killedAt = cursor(path);
    assert.ok(killedAt < messages, `killed before the end (at ${killedAt})`);

    const again = await Deno.openKv(db);
    try {
      const index = await openSqliteSearchIndex(again, path);
      // Every channel, as the server's follower does: the database also
      // holds a channel with nothing to index, whose cursor the indexer may
      // or may not have written before it was killed.
      for await (const entry of again.list({ prefix: channelsPrefix })) {
        await index.catchUp(entry.key[1] as string);
      }
      const resumed = await Array.fromAsync(
        index.candidates(channel.id, "lighthouse"),
      );
      assert.equal(resumed.length, messages);
      index.close();
      const afterResume = dump(path);
      const rebuilt = await openSqliteSearchIndex(again, path);
      await rebuilt.rebuild();
      rebuilt.close();
      assert.equal(dump(path), afterResume);
    } finally {
      again.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

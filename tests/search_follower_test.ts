/**
 * A server on a database file keeps its FTS5 index up with no search asking
 * (through the follower's worker, which lib/db/search_follower_test.ts tests
 * alone), and shuts down with the worker ended and its files closed (the
 * test's sanitizers would see a leak).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  createChannel,
  postMessage,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";
import { sqliteIndexPath } from "../lib/db/search_sqlite.ts";

// Rows of the index file holding `text`, read through a connection of its own.
function rowsWith(path: string, text: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare(
      "SELECT count(*) AS n FROM docs WHERE docs MATCH ?",
    ).get(`"${text}"`);
    return Number(row?.n ?? 0);
  } finally {
    db.close();
  }
}

Deno.test("on a database file a posted message reaches the FTS5 index without a search", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/hearth.db`;
  try {
    await withHearth(async ({ base, services }) => {
      assert.equal(services.search.engine, "sqlite");
      const alice = await signUp(base);
      const channel = await createChannel(alice.api);
      await postMessage(alice.api, channel.id, "a lighthouse keeper");
      await postMessage(alice.api, channel.id, "another lighthouse");
      await waitFor(() => rowsWith(sqliteIndexPath(db), "lighthouse") === 2, {
        what: "the follower indexing both messages",
      });
    }, ["--db", db]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

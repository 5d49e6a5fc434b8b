/**
 * Indexes every channel of the KV file given as the first argument into its
 * FTS5 index beside it, as the server's follower does, printing `indexing`
 * first; the kill -9 test kills it part way through.
 */
import { channelsPrefix } from "../../lib/db/_keys.ts";
import {
  openSqliteSearchIndex,
  sqliteIndexPath,
} from "../../lib/db/search_sqlite.ts";

const db = Deno.args[0];
const kv = await Deno.openKv(db);
const index = await openSqliteSearchIndex(kv, sqliteIndexPath(db));
console.log("indexing");
for await (const entry of kv.list({ prefix: channelsPrefix })) {
  await index.catchUp(entry.key[1] as string);
}
console.log("done");
index.close();
kv.close();

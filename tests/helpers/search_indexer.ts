/**
 * Indexes every channel of the KV file given as the first argument into its
 * FTS5 index beside it, as the server's follower does, printing `indexing`
 * first; the kill -9 test kills it part way through. Each read of the change
 * log waits a quarter second first, so a fast machine cannot index everything
 * between two looks of the test and leave nothing to kill.
 */
import { channelsPrefix } from "../../lib/db/_keys.ts";
import {
  openSqliteSearchIndex,
  sqliteIndexPath,
} from "../../lib/db/search_sqlite.ts";

const db = Deno.args[0];
const kv = await Deno.openKv(db);
const STEP_PAUSE_MS = 250;
const slowKv = new Proxy(kv, {
  get(target, name) {
    const value = Reflect.get(target, name, target);
    if (typeof value !== "function") return value;
    if (name !== "list") return value.bind(target);
    return (...args: unknown[]) =>
      (async function* () {
        await new Promise((resolve) => setTimeout(resolve, STEP_PAUSE_MS));
        yield* value.apply(target, args) as AsyncIterable<unknown>;
      })();
  },
});
const index = await openSqliteSearchIndex(slowKv, sqliteIndexPath(db));
console.log("indexing");
for await (const entry of kv.list({ prefix: channelsPrefix })) {
  await index.catchUp(entry.key[1] as string);
}
console.log("done");
index.close();
kv.close();

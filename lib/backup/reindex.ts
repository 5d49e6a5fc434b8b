/** The `hearth reindex` command: rebuilds the search index from the stored messages. */
import { readSearchChoice } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { openSearchIndex } from "../db/search_open.ts";
import { parseDbFlags } from "./_db_flags.ts";

const REINDEX_HELP = `Usage: hearth reindex [--db PATH]

Drops the search index and builds it again from the stored messages: the
FTS5 index in PATH.search.sqlite for a database file, the index inside KV for
a KV Connect URL (or whichever HEARTH_SEARCH_INDEX=kv|sqlite forces, as for
the server). The server keeps the index up by itself and a search catches up
with what it missed, so this is only needed after trouble, or to index an
imported backup before the first search instead of during it.

Flags:
  --db PATH   KV database file (HEARTH_DB, default ./hearth.db), or a KV Connect URL
  --help      show this help

Exit status: 0 done, 1 the rebuild failed, 2 bad usage.
`;

/** Runs `hearth reindex <args>` and returns the exit status. */
export async function runReindexCommand(args: string[]): Promise<number> {
  const flags = parseDbFlags(args, (name) => Deno.env.get(name));
  if (typeof flags === "string") {
    console.error(
      `hearth reindex: ${flags}\nRun "hearth reindex --help" for usage.`,
    );
    return 2;
  }
  if (flags.help) {
    console.log(REINDEX_HELP);
    return 0;
  }
  const { db } = flags;
  const search = readSearchChoice((name) => Deno.env.get(name));
  if ("error" in search) {
    console.error(`hearth reindex: ${search.error}`);
    return 2;
  }
  let kv: Deno.Kv;
  try {
    kv = await openDatabase(db);
  } catch (error) {
    console.error(
      `hearth reindex: cannot open ${db}: ${(error as Error).message}`,
    );
    return 1;
  }
  try {
    const index = await openSearchIndex(kv, db, search.choice);
    try {
      const started = performance.now();
      const channels = await index.rebuild();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const engine = index.engine === "sqlite" ? "FTS5" : "KV";
      console.error(
        `Indexed ${channels} channels of ${db} in ${seconds} s (${engine} index).`,
      );
    } finally {
      index.close();
    }
    return 0;
  } catch (error) {
    console.error(`hearth reindex: ${(error as Error).message}`);
    return 1;
  } finally {
    kv.close();
  }
}

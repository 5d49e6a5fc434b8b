/**
 * Which search engine runs, chosen once at start: SQLite's FTS5 in a file
 * beside a local KV file, the KV index where there is no file system (Deno
 * Deploy, a KV Connect URL) or no file at all (`:memory:`).
 * `HEARTH_SEARCH_INDEX=kv` or `=sqlite` forces one (`sqlite` with `:memory:`
 * keeps the index in memory too, for tests).
 */
import {
  followChanges,
  type SearchChoice,
  type SearchIndex,
} from "./search_backend.ts";
import { followChangesInWorker } from "./search_follower.ts";
import { kvSearchIndex } from "./search_kv.ts";
import { openSqliteSearchIndex, sqliteIndexPath } from "./search_sqlite.ts";

/** Where the SQLite index of database `db` lives, or null where KV's own index serves. */
export function sqliteIndexFor(
  db: string,
  choice: SearchChoice,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string | null {
  if (choice === "kv") return null;
  if (db === ":memory:") return choice === "sqlite" ? ":memory:" : null;
  const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(db);
  if (remote || env("DENO_DEPLOYMENT_ID") !== undefined) {
    if (choice === "sqlite") {
      throw new Error(
        "HEARTH_SEARCH_INDEX=sqlite needs a database file on this machine",
      );
    }
    return null;
  }
  return sqliteIndexPath(db);
}

/** Opens the search index for `kv`, whose path is `db`, as `choice` says. */
export async function openSearchIndex(
  kv: Deno.Kv,
  db: string,
  choice: SearchChoice,
  env?: (name: string) => string | undefined,
): Promise<SearchIndex> {
  const path = sqliteIndexFor(db, choice, env);
  return path === null
    ? kvSearchIndex(kv)
    : await openSqliteSearchIndex(kv, path);
}

/**
 * Starts keeping `index` (opened by {@linkcode openSearchIndex} with the same
 * `db` and `choice`) up with committed changes: in a worker with its own
 * handles for a SQLite file (see `search_follower.ts`), in process for the
 * KV index and an index in memory. Returns the function that stops it.
 */
export function followSearchIndex(
  kv: Deno.Kv,
  db: string,
  choice: SearchChoice,
  index: SearchIndex,
  env?: (name: string) => string | undefined,
): () => Promise<void> {
  const path = sqliteIndexFor(db, choice, env);
  return path === null || path === ":memory:" || db === ":memory:"
    ? followChanges(kv, index)
    : followChangesInWorker(kv, db, path);
}

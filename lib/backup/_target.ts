/** The target of an import: it must start empty, and a failed import empties it again. */
import { writeToTarget } from "./_batch_writer.ts";
import { importedPrefixes, usersPrefix } from "./_keys.ts";

/** The target already holds data; an import only fills an empty database. */
export class TargetNotEmptyError extends Error {
  /** An error saying what the target already holds. */
  constructor(message: string) {
    super(message);
    this.name = "TargetNotEmptyError";
  }
}

/** Refuses a target holding users or any other data an import would write. */
export async function requireEmpty(kv: Deno.Kv): Promise<void> {
  for (const prefix of importedPrefixes) {
    const iter = kv.list({ prefix }, { limit: 1, consistency: "strong" });
    for await (const _ of iter) {
      throw new TargetNotEmptyError(
        prefix[0] === usersPrefix[0]
          ? "The target database already has users. Import only into a new, empty database: choose a --db path that does not exist yet."
          : `The target database already holds data (${
            String(prefix[0])
          }). Import only into a new, empty database: choose a --db path that does not exist yet.`,
      );
    }
  }
}

/** Deletes everything under the prefixes an import writes, a page at a time. */
export async function deleteImported(kv: Deno.Kv): Promise<void> {
  for (const prefix of importedPrefixes) {
    while (true) {
      const keys: Deno.KvKey[] = [];
      // Small pages: chunk values are 64 KiB each.
      for await (
        const entry of kv.list({ prefix }, { limit: 100, batchSize: 20 })
      ) {
        keys.push(entry.key);
      }
      if (keys.length === 0) break;
      for (let i = 0; i < keys.length; i += 50) {
        const page = keys.slice(i, i + 50);
        await writeToTarget(() => {
          const op = kv.atomic();
          for (const key of page) op.delete(key);
          return op;
        });
      }
    }
  }
}

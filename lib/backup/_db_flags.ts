/** The flags every database command takes: `--db PATH` and `--help`. */
import { parseArgs } from "node:util";

/** What a database command was asked: the database to open and whether to show help. */
export interface DbFlags {
  /** `--db`, else `HEARTH_DB`, else `./hearth.db`. */
  db: string;
  help: boolean;
}

/** Parses `--db` and `--help` (nothing else, no positionals); a string is the usage error. */
export function parseDbFlags(
  args: string[],
  env: (name: string) => string | undefined,
): DbFlags | string {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        db: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    return {
      db: values.db ?? env("HEARTH_DB") ?? "./hearth.db",
      help: values.help === true,
    };
  } catch (error) {
    return (error as Error).message;
  }
}

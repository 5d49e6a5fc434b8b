/** The `hearth export` and `hearth import` commands. */
import { openDatabase } from "../db/open.ts";
import { parseDbFlags } from "./_db_flags.ts";
import { exportBackup } from "./export.ts";
import { type BackupCounts, BackupError } from "./format.ts";
import {
  importBackup,
  ImportCleanupError,
  TargetNotEmptyError,
} from "./import.ts";

/** The backup commands. */
export type BackupCommand = "export" | "import";

/** Whether `name` is one of the backup commands. */
export function isBackupCommand(
  name: string | undefined,
): name is BackupCommand {
  return name === "export" || name === "import";
}

/** The lines `hearth --help` adds about the commands. */
export const COMMANDS_HELP = `
Commands:
  hearth export [--db PATH] > FILE   write a backup of the database to standard output
  hearth import [--db PATH] < FILE   restore a backup into a new, empty database
  hearth reindex [--db PATH]         rebuild the search index from the stored messages
  hearth reset-password [--db PATH] USERNAME
                                     print a temporary password for USERNAME
  Run "hearth export --help" (or import, reindex) for details.
`;

const EXPORT_HELP = `Usage: hearth export [--db PATH] > backup.ndjson

Writes a backup of the database to standard output: users (with their password
hashes), channels, memberships, read markers, messages, files and the token
signing key, as versioned NDJSON. It reads a consistent view and may run while
the server is using the same database file.

The backup holds password hashes and the signing key: keep it private.

Flags:
  --db PATH   KV database file to back up (HEARTH_DB, default ./hearth.db),
              or a KV Connect URL
  --help      show this help

Exit status: 0 done, 1 the export failed, 2 bad usage.
`;

const IMPORT_HELP = `Usage: hearth import [--db PATH] < backup.ndjson

Restores a backup written by "hearth export" into a new, empty database. Every
line is checked; a damaged or cut-short backup is refused and nothing is left
behind. Run it while no server uses the target database.

Flags:
  --db PATH   KV database file to restore into (HEARTH_DB, default ./hearth.db),
              or a KV Connect URL; it must not hold any Hearth data yet
  --help      show this help

Exit status: 0 done, 1 the backup is invalid or could not be written,
2 bad usage or the target database is not empty.
`;

/** Where a command reads and writes; the process's own by default. */
export interface CommandIo {
  stdin: ReadableStream<Uint8Array>;
  stdout: WritableStream<Uint8Array>;
  stdinIsTerminal: boolean;
  stdoutIsTerminal: boolean;
  print(text: string): void;
  printError(text: string): void;
  env(name: string): string | undefined;
}

/** Standard input, output and error of this process, and its environment. */
export function processIo(): CommandIo {
  return {
    stdin: Deno.stdin.readable,
    stdout: Deno.stdout.writable,
    stdinIsTerminal: Deno.stdin.isTerminal(),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    print: (text) => console.log(text),
    printError: (text) => console.error(text),
    env: (name) => Deno.env.get(name),
  };
}

/** Runs `hearth <command> <args>` and returns the exit status. */
export async function runBackupCommand(
  command: BackupCommand,
  args: string[],
  options: { hearthVersion?: string; io?: CommandIo } = {},
): Promise<number> {
  const io = options.io ?? processIo();
  const usage = (message: string) => {
    io.printError(
      `hearth ${command}: ${message}\nRun "hearth ${command} --help" for usage.`,
    );
    return 2;
  };
  const flags = parseDbFlags(args, io.env);
  if (typeof flags === "string") return usage(flags);
  if (flags.help) {
    io.print(command === "export" ? EXPORT_HELP : IMPORT_HELP);
    return 0;
  }
  const { db } = flags;
  if (db.trim() === "") return usage("--db must not be empty");
  return command === "export"
    ? await runExport(db, io, options.hearthVersion)
    : await runImport(db, io);
}

async function runExport(
  db: string,
  io: CommandIo,
  hearthVersion?: string,
): Promise<number> {
  if (io.stdoutIsTerminal) {
    io.printError(
      "hearth export: the backup goes to standard output; redirect it to a file:\n  hearth export --db PATH > backup.ndjson",
    );
    return 2;
  }
  // Opening a path that does not exist would create an empty database. (A
  // URL is a remote KV, such as a Deno Deploy database through KV Connect.)
  if (db !== ":memory:" && !/^https?:\/\//.test(db) && !await exists(db)) {
    io.printError(`hearth export: there is no database at ${db}`);
    return 2;
  }
  let kv: Deno.Kv;
  try {
    kv = await openDatabase(db);
  } catch (error) {
    io.printError(
      `hearth export: cannot open ${db}: ${(error as Error).message}`,
    );
    return 1;
  }
  try {
    const counts = await exportBackup(kv, io.stdout, { hearthVersion });
    io.printError(`Exported ${describe(counts)} from ${db}.`);
    return 0;
  } catch (error) {
    io.printError(
      `hearth export: ${
        (error as Error).message
      }\nThe backup is incomplete; an import refuses it.`,
    );
    return 1;
  } finally {
    kv.close();
  }
}

async function runImport(db: string, io: CommandIo): Promise<number> {
  if (db === ":memory:") {
    io.printError(
      "hearth import: --db :memory: would discard the import; give a file path",
    );
    return 2;
  }
  if (io.stdinIsTerminal) {
    io.printError(
      "hearth import: the backup is read from standard input; redirect a file into it:\n  hearth import --db PATH < backup.ndjson",
    );
    return 2;
  }
  let kv: Deno.Kv;
  try {
    kv = await openDatabase(db);
  } catch (error) {
    io.printError(
      `hearth import: cannot open ${db}: ${(error as Error).message}`,
    );
    return 1;
  }
  try {
    const { header, counts } = await importBackup(kv, io.stdin);
    io.printError(
      `Imported ${
        describe(counts)
      } into ${db} (backup of ${header.exportedAt}).`,
    );
    return 0;
  } catch (error) {
    if (error instanceof TargetNotEmptyError) {
      io.printError(`hearth import: ${error.message}`);
      return 2;
    }
    if (error instanceof ImportCleanupError) {
      io.printError(`hearth import: ${error.message}`);
      return 1;
    }
    const what = error instanceof BackupError
      ? "the backup is invalid"
      : "the import failed";
    io.printError(
      `hearth import: ${what}: ${
        (error as Error).message
      }\nNothing was imported.`,
    );
    return 1;
  } finally {
    kv.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function describe(counts: BackupCounts): string {
  const parts = [
    `${counts.users} users`,
    `${counts.channels} channels`,
    `${counts.members} memberships`,
    `${counts.readMarkers} read markers`,
    `${counts.messages} messages`,
    `${counts.clientIds} clientIds`,
    `${counts.files} files (${counts.chunks} chunks)`,
    ...(counts.droppedFiles > 0
      ? [`${counts.droppedFiles} files deleted during the export left out`]
      : []),
    `${counts.revokedTokens} revoked tokens`,
  ];
  if (counts.notificationSettings > 0) {
    parts.push(`${counts.notificationSettings} notification settings`);
  }
  if (counts.avatarParts > 0) parts.push(`${counts.avatarParts} avatar parts`);
  if (counts.pushKeys > 0) {
    parts.push(
      `the push key pair with ${counts.pushSubscriptions} subscriptions`,
    );
  }
  if (counts.bots > 0) parts.push(`${counts.bots} bots`);
  if (counts.webhooks > 0) parts.push(`${counts.webhooks} incoming webhooks`);
  if (counts.signingKeys > 0) parts.push("the signing key");
  return parts.join(", ");
}

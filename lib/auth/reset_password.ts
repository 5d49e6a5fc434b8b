/**
 * `hearth reset-password USERNAME`: gives an account a temporary password,
 * printed once, that must be changed at the next sign-in, and ends every
 * session the account has.
 */
import { parseArgs } from "node:util";
import { type CommandIo, processIo } from "../backup/cli.ts";
import { openDatabase } from "../db/open.ts";
import { getUserRecordByName, updateUserRecord } from "../db/users.ts";
import { endSessions } from "./accounts.ts";
import { PasswordHasher } from "./password.ts";

/** The command's name on the command line. */
export const RESET_PASSWORD_COMMAND = "reset-password";

const HELP = `Usage: hearth reset-password [--db PATH] USERNAME

Gives the account USERNAME a new, random temporary password and prints it.
Every session of the account ends. Signing in with the temporary password
answers "mustChangePassword": true, and the web app then asks for a new one
on its settings page before anything else.

Flags:
  --db PATH   KV database file (HEARTH_DB, default ./hearth.db), or a KV
              Connect URL
  --help      show this help

Exit status: 0 done, 1 no such user or the database failed, 2 bad usage.
`;

/** A temporary password: 16 random URL-safe characters (96 bits). */
export function temporaryPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(
    /\//g,
    "_",
  );
}

/**
 * Sets a temporary password on `username`'s account and ends its sessions;
 * returns the password, or null when there is no such account.
 */
export async function resetPassword(
  kv: Deno.Kv,
  hasher: PasswordHasher,
  username: string,
): Promise<string | null> {
  const record = await getUserRecordByName(kv, username);
  if (record === null) return null;
  const password = temporaryPassword();
  const passwordHash = await hasher.hash(password);
  await updateUserRecord(kv, record.id, (stored) => ({
    ...stored,
    passwordHash,
    mustChangePassword: true,
  }));
  await endSessions({ kv }, record.id);
  return password;
}

/** Runs `hearth reset-password <args>` and returns the exit status. */
export async function runResetPassword(
  args: string[],
  io: CommandIo = processIo(),
): Promise<number> {
  const usage = (message: string) => {
    io.printError(
      `hearth reset-password: ${message}\nRun "hearth reset-password --help" for usage.`,
    );
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        db: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (parsed.values.help) {
    io.print(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) return usage("give one USERNAME");
  const db = parsed.values.db ?? io.env("HEARTH_DB") ?? "./hearth.db";
  if (db.trim() === "") return usage("--db must not be empty");
  const username = parsed.positionals[0];
  const hasher = new PasswordHasher({ workers: 1 });
  let kv: Deno.Kv | undefined;
  try {
    kv = await openDatabase(db);
    const password = await resetPassword(kv, hasher, username);
    if (password === null) {
      io.printError(`hearth reset-password: there is no user "${username}"`);
      return 1;
    }
    io.print(password);
    io.printError(
      `The password of ${username} is reset and every session ended; they must choose a new one at the next sign-in.`,
    );
    return 0;
  } catch (error) {
    io.printError(`hearth reset-password: ${(error as Error).message}`);
    return 1;
  } finally {
    kv?.close();
    hasher.close();
  }
}

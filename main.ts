/**
 * Hearth's command line: parses flags, opens KV, serves until SIGINT or
 * SIGTERM. `hearth export` and `hearth import` back up and restore instead;
 * `hearth reindex` rebuilds the search index.
 * `hearth reset-password` gives an account a temporary password.
 */
import {
  COMMANDS_HELP,
  isBackupCommand,
  runBackupCommand,
} from "./lib/backup/cli.ts";
import { runReindexCommand } from "./lib/backup/reindex.ts";
import { HELP, parseConfig } from "./lib/config.ts";
import {
  RESET_PASSWORD_COMMAND,
  runResetPassword,
} from "./lib/auth/reset_password.ts";
import { log } from "./lib/log.ts";
import { startServer } from "./lib/server.ts";
import { startWorkers } from "./lib/workers/supervisor.ts";
import denoJson from "./deno.json" with { type: "json" };

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  if (isBackupCommand(command)) {
    Deno.exit(
      await runBackupCommand(command, rest, {
        hearthVersion: denoJson.version,
      }),
    );
  }
  if (command === "reindex") Deno.exit(await runReindexCommand(rest));
  if (command === RESET_PASSWORD_COMMAND) {
    Deno.exit(await runResetPassword(rest));
  }
  if (command !== undefined && !command.startsWith("-")) {
    console.error(
      `hearth: unknown command "${command}"; the commands are export, import, reindex and reset-password (serving takes none).\nRun with --help to see the flags.`,
    );
    Deno.exit(2);
  }
  const parsed = parseConfig(Deno.args);
  if (parsed.kind === "help") {
    console.log(HELP + COMMANDS_HELP);
    Deno.exit(0);
  }
  if (parsed.kind === "version") {
    console.log(`hearth ${denoJson.version}`);
    Deno.exit(0);
  }
  if (parsed.kind === "error") {
    console.error(
      `hearth: ${parsed.message}\nRun with --help to see the flags.`,
    );
    Deno.exit(2);
  }
  let server: {
    url: string;
    shutdown(): Promise<void>;
    failed?: Promise<Error>;
  };
  try {
    server = parsed.config.workers > 1
      ? await startWorkers(parsed.config)
      : await startServer(parsed.config);
  } catch (error) {
    // A busy port or an unopenable db file is the user's to fix: say so plainly.
    console.error(
      `hearth: could not start: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
    Deno.exit(1);
  }
  log("info", "listening", {
    url: server.url,
    db: parsed.config.db,
    workers: parsed.config.workers,
  });
  if (!parsed.config.userLimits.enabled) {
    // Load tests only: say it loudly, so it is never left on by accident.
    log("warn", "per-user limits are off (HEARTH_USER_LIMITS=off)");
    console.log(
      "Per-user limits on messages, channels and sockets are OFF (HEARTH_USER_LIMITS=off)",
    );
  }
  console.log(`Hearth is running: open ${server.url}`);
  const stop = async () => {
    log("info", "shutting down");
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  // A serving worker that failed: stop the others and say so in the exit status.
  server.failed?.then(async () => {
    await server.shutdown();
    Deno.exit(1);
  });
}

/** Hearth's command line: parses flags, opens KV, serves until SIGINT or SIGTERM. */
import { HELP, parseConfig } from "./lib/config.ts";
import { log } from "./lib/log.ts";
import { startServer } from "./lib/server.ts";
import denoJson from "./deno.json" with { type: "json" };

if (import.meta.main) {
  const parsed = parseConfig(Deno.args);
  if (parsed.kind === "help") {
    console.log(HELP);
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
  const server = await startServer(parsed.config);
  log("info", "listening", { url: server.url, db: parsed.config.db });
  console.log(`Hearth is running: open ${server.url}`);
  const stop = async () => {
    log("info", "shutting down");
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

/**
 * `deno task compile`: builds the island bundle, then `./hearth`, one binary with
 * static/ and _fresh/ embedded. `deno compile` downloads the `denort` runtime; set
 * DENORT_BIN to a local denort where dl.deno.land cannot be reached.
 */
import { build } from "../lib/fresh/build.ts";
import { writeDocsAssets } from "./docs_asset.ts";
import { writeEmojiAsset } from "./emoji_asset.ts";

const root = new URL("../", import.meta.url);
// Before the build, which writes the compressed copies of static/.
await writeDocsAssets(root);
await build(root);
await writeEmojiAsset(root);
const denort = Deno.env.get("DENORT_BIN");
if (denort) console.log(`Using the denort runtime at ${denort} (DENORT_BIN)`);
const { success } = await new Deno.Command(Deno.execPath(), {
  args: [
    "compile",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--include",
    "static",
    "--include",
    "_fresh",
    // Workers are loaded by URL at run time, outside the static module graph.
    "--include",
    "lib/auth/password_worker.ts",
    "--include",
    "lib/files/thumbnail_worker.ts",
    "--include",
    "lib/workers/serving_worker.ts",
    "--include",
    "lib/db/search_follower_worker.ts",
    "--output",
    Deno.args[0] ?? "hearth",
    "main.ts",
  ],
  cwd: root.pathname,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!success) {
  console.error(
    "deno compile failed. Without network access to dl.deno.land, set DENORT_BIN to a denort binary.",
  );
}
Deno.exit(success ? 0 : 1);

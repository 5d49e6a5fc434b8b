/** `deno task build`: writes fresh.gen.ts, bundles the islands, builds static/emoji.json and copies Swagger UI for /docs. */
import { build } from "../lib/fresh/build.ts";
import { writeDocsAssets } from "./docs_asset.ts";
import { writeEmojiAsset } from "./emoji_asset.ts";

const root = new URL("../", import.meta.url);
// Before the build, which writes the compressed copies of static/.
await writeDocsAssets(root);
await build(root, { minify: !Deno.args.includes("--no-minify") });
await writeEmojiAsset(root);
console.log(
  "Built fresh.gen.ts, _fresh/, static/emoji.json and static/vendor/swagger-ui/",
);

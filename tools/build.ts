/** `deno task build`: writes fresh.gen.ts, bundles the islands and builds static/emoji.json. */
import { build } from "../lib/fresh/build.ts";
import { writeEmojiAsset } from "./emoji_asset.ts";

const root = new URL("../", import.meta.url);
await build(root, { minify: !Deno.args.includes("--no-minify") });
await writeEmojiAsset(root);
console.log("Built fresh.gen.ts, _fresh/ and static/emoji.json");

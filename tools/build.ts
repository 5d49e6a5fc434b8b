/** `deno task build`: writes fresh.gen.ts and bundles the islands. */
import { build } from "../lib/fresh/build.ts";

await build(new URL("../", import.meta.url), {
  minify: !Deno.args.includes("--no-minify"),
});
console.log("Built fresh.gen.ts and _fresh/");

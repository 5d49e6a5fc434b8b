/**
 * Copies Swagger UI's standalone bundle and stylesheet from the pinned
 * swagger-ui-dist package into `static/vendor/swagger-ui/`, so `/docs` is
 * served from this origin (no CDN) and `deno compile` embeds it with static/.
 */
import { getAbsoluteFSPath } from "swagger-ui-dist";

/** The files `/docs` loads, as the package names them. */
export const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];

/**
 * Writes the files under `root` when their content changed, each by a rename
 * so a server starting meanwhile never reads half a file.
 */
export async function writeDocsAssets(root: URL): Promise<void> {
  const source = getAbsoluteFSPath();
  const target = new URL("static/vendor/swagger-ui/", root);
  await Deno.mkdir(target, { recursive: true });
  for (const name of SWAGGER_UI_FILES) {
    const bytes = await Deno.readFile(`${source}/${name}`);
    const previous = await Deno.readFile(new URL(name, target)).catch(() =>
      null
    );
    if (previous && sameBytes(previous, bytes)) continue;
    const staging = new URL(`.${crypto.randomUUID()}-${name}`, target);
    await Deno.writeFile(staging, bytes);
    await Deno.rename(staging, new URL(name, target));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}

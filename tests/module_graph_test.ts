/**
 * The app is one static module graph rooted at main.ts (what `deno compile`
 * embeds), and fresh.gen.ts lists exactly the routes and islands on disk.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { listSources, manifestSource } from "../lib/fresh/build.ts";

const ROOT = new URL("../", import.meta.url);

interface GraphModule {
  specifier: string;
  local?: string;
  error?: string;
}

/** The modules `deno info --json main.ts` reports. */
async function moduleGraph(): Promise<GraphModule[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  assert.equal(code, 0, text.decode(stderr));
  return JSON.parse(text.decode(stdout)).modules;
}

/** Source files under `dir` (relative to the repo), tests left out. */
async function sourcesUnder(dir: string): Promise<string[]> {
  const files = await listSources(new URL(dir, ROOT));
  return files.map((file) => fileURLToPath(new URL(dir + file, ROOT)));
}

Deno.test("main.ts reaches every route and island module statically", async () => {
  const modules = await moduleGraph();
  const local = new Set(modules.flatMap((m) => m.local ? [m.local] : []));
  const expected = [
    ...await sourcesUnder("routes/"),
    ...await sourcesUnder("islands/"),
  ];
  assert.ok(expected.length > 0, "no routes or islands found");
  const missing = expected.filter((file) => !local.has(file));
  assert.deepEqual(missing, [], "run `deno task build` to update fresh.gen.ts");
});

Deno.test("main.ts has no unresolved modules in its graph", async () => {
  const broken = (await moduleGraph()).filter((m) => m.error !== undefined);
  assert.deepEqual(broken.map((m) => `${m.specifier}: ${m.error}`), []);
});

Deno.test("fresh.gen.ts is what the build would write for the current routes and islands", async () => {
  const expected = manifestSource(
    await listSources(new URL("routes/", ROOT)),
    await listSources(new URL("islands/", ROOT)),
  );
  const actual = await Deno.readTextFile(new URL("fresh.gen.ts", ROOT));
  assert.equal(actual, expected, "run `deno task build` to update it");
});

Deno.test("listSources() leaves test files out of the manifest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth_sources_" });
  try {
    for (
      const file of [
        "index.tsx",
        "index_test.tsx",
        "api/[id].ts",
        "api/[id]_test.ts",
        "notes.md",
      ]
    ) {
      await Deno.mkdir(dirname(`${dir}/${file}`), { recursive: true });
      await Deno.writeTextFile(`${dir}/${file}`, "");
    }
    assert.deepEqual(
      await listSources(pathToFileURL(`${dir}/`)),
      ["api/[id].ts", "index.tsx"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

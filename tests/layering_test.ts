/**
 * The code's layers, checked on its module graph: the data layer and the
 * shared rules import neither the web framework nor the realtime layer nor
 * Preact, and routes reach storage only through use cases.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The modules (local files and `npm:` packages) `deno info --json` reaches from `entries`. */
async function reachable(entries: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const entry of entries) {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(code, 0, text.decode(stderr));
    const graph = JSON.parse(text.decode(stdout));
    for (const module of graph.modules) found.add(module.specifier);
  }
  return [...found];
}

/** The non-test `.ts` modules directly in `dir`. */
async function modulesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
    if (
      entry.isFile && entry.name.endsWith(".ts") &&
      !entry.name.endsWith("_test.ts") && !entry.name.startsWith("_test")
    ) {
      names.push(`${dir}${entry.name}`);
    }
  }
  return names.sort();
}

const FORBIDDEN_BELOW_USE_CASES = [
  /\/lib\/fresh\//,
  /\/lib\/realtime\//,
  /\/lib\/chat\//,
  /\/lib\/http\//,
  /preact/,
];

Deno.test("the data layer reaches no framework, realtime, HTTP or Preact module", async () => {
  const entries = await modulesIn("lib/db/");
  assert.ok(entries.length >= 5, `lib/db/ modules: ${entries}`);
  const modules = await reachable(entries);
  assert.ok(modules.some((m) => m.endsWith("/lib/db/messages.ts")));
  const leaks = modules.filter((m) =>
    FORBIDDEN_BELOW_USE_CASES.some((pattern) => pattern.test(m))
  );
  assert.deepEqual(leaks, []);
});

Deno.test("the shared rules reach only each other and zod", async () => {
  const entries = await modulesIn("lib/shared/");
  const modules = await reachable(entries);
  const others = modules.filter((m) =>
    !/\/lib\/shared\//.test(m) && !/zod/.test(m)
  );
  assert.deepEqual(others, []);
});

Deno.test("routes import no data-layer module and touch no KV handle or cache", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL, path: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const child = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(child, `${path}${entry.name}/`);
      else if (/\.tsx?$/.test(entry.name)) {
        const source = await Deno.readTextFile(child);
        if (/from "[^"]*\/lib\/db\//.test(source)) {
          offenders.push(`${path}${entry.name} imports lib/db`);
        }
        if (/\.(kv|roster|hub|presence)\b/.test(source)) {
          offenders.push(`${path}${entry.name} touches services directly`);
        }
      }
    }
  };
  await walk(new URL("routes/", ROOT), "routes/");
  assert.deepEqual(offenders, []);
});

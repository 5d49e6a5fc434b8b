/**
 * What each page's islands load, gzipped, straight from the build: for every
 * island, the entry script, the island's chunk and every chunk they import
 * statically (what a page holding it fetches on load), then the chunks that
 * are fetched later by `import()` (dialogs, pickers: on demand). Gzip as the
 * chat page's budget test measures it (tests/browser/pages_test.ts).
 *
 * Run after `deno task build`: `deno run -A bench/island_weight.ts`.
 */
const dir = new URL("../_fresh/js/", import.meta.url);
const names = [...Deno.readDirSync(dir)].map((entry) => entry.name);
const texts = new Map(
  names.map((name) => [name, Deno.readTextFileSync(new URL(name, dir))]),
);

async function gzipped(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

// The bundle's files `name` imports: statically, or through `import()`.
function imports(name: string, dynamic: boolean): string[] {
  const text = texts.get(name) ?? "";
  const pattern = dynamic
    ? /import\(\s*["']\.\/([^"']+)["']\s*\)/g
    : /(?:^|[;}])\s*(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["']\.\/([^"']+)["']/g;
  return [...text.matchAll(pattern)].map((match) => match[1]);
}

// `start` and every file it reaches through static imports.
function closure(start: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...imports(name, false));
  }
  return seen;
}

const sizes = new Map<string, number>();
for (const [name, text] of texts) sizes.set(name, await gzipped(text));
const total = (files: Iterable<string>) =>
  [...files].reduce((sum, name) => sum + (sizes.get(name) ?? 0), 0);

const client = names.find((name) => name.startsWith("client-"));
if (!client) throw new Error("No client entry in _fresh/js: run the build");
const islands = imports(client, true).filter((name) => /^[A-Z]/.test(name));
console.log("island (page)         files  on load, gzipped  on demand");
for (const island of islands) {
  const loaded = closure([client, island]);
  // Everything reachable from there, `import()` included, not loaded yet.
  const later = new Set<string>();
  const queue = [...loaded];
  while (queue.length > 0) {
    const name = queue.pop()!;
    for (const next of [...imports(name, false), ...imports(name, true)]) {
      if (next === island || islands.includes(next)) continue;
      if (loaded.has(next) || later.has(next)) continue;
      later.add(next);
      queue.push(next);
    }
  }
  const label = island.replace(/-[A-Z0-9]+\.js$/, "");
  console.log(
    `${label.padEnd(22)} ${String(loaded.size).padStart(5)}  ${
      String(total(loaded)).padStart(16)
    }  ${String(total(later)).padStart(9)}`,
  );
}

/**
 * `deno task bench`: runs every benchmark in turn, each against its baseline
 * in the same run. Name some to run only those: `deno task bench fanout write`.
 * The figures go in bench/README.md by hand, with the machine and date.
 */
const ALL = ["login", "fanout", "write", "files"];
const chosen = Deno.args.length > 0 ? Deno.args : ALL;
const unknown = chosen.filter((name) => !ALL.includes(name));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark(s): ${unknown.join(", ")}; choose from ${
      ALL.join(", ")
    }`,
  );
  Deno.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n### ${name}\n`);
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`./${name}.ts`, import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) failed++;
}
Deno.exit(failed === 0 ? 0 : 1);

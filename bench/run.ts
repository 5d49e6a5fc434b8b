/**
 * `deno task bench`: runs every benchmark in turn, each against its baseline
 * in the same run. Name some to run only those: `deno task bench fanout write`.
 * `deno task bench scale` runs the proofs of the scale work one after the
 * other, with the flags their reports used: fan-out at 1,000 and 10,000
 * sockets, the connect storm, the relay and the HTTP read and post paths.
 * The figures go in bench/README.md by hand, with the machine and date.
 */

/** One benchmark run: its file in bench/ and its arguments. */
type Run = [file: string, ...args: string[]];

const SINGLE: Record<string, Run[]> = {
  login: [["login"]],
  fanout: [["fanout"]],
  write: [["write"]],
  files: [["files"]],
};

// The 10,000-socket fan-out paces 5 messages a second: its clients, on one
// CPU, cannot read faster (see bench/README.md, "Fan-out at scale").
const SCALE: Run[] = [
  ["fanout", "--repeat", "3"],
  [
    "fanout",
    "--clients",
    "10000",
    "--workers",
    "4",
    "--messages",
    "50",
    "--rate",
    "5",
    "--repeat",
    "2",
  ],
  ["connect_storm", "--repeat", "3"],
  ["relay"],
  ["http_read", "--repeat", "3"],
];

const SETS: Record<string, Run[]> = { ...SINGLE, scale: SCALE };
const DEFAULT = ["login", "fanout", "write", "files"];

const chosen = Deno.args.length > 0 ? Deno.args : DEFAULT;
const unknown = chosen.filter((name) => !(name in SETS));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark(s): ${unknown.join(", ")}; choose from ${
      Object.keys(SETS).join(", ")
    }`,
  );
  Deno.exit(2);
}
let failed = 0;
for (const name of chosen) {
  for (const [file, ...args] of SETS[name]) {
    console.log(`\n### ${[file, ...args].join(" ")}\n`);
    const { success } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(`./${file}.ts`, import.meta.url).pathname,
        ...args,
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!success) failed++;
  }
}
Deno.exit(failed === 0 ? 0 : 1);

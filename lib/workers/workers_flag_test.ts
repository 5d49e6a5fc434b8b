import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";

type Env = (name: string) => string | undefined;
const noEnv: Env = () => undefined;
const envOf = (vars: Record<string, string>): Env => (name) => vars[name];

function serveConfig(args: string[], env: Env = noEnv) {
  const parsed = parseConfig(["--db", "/tmp/x.db", ...args], env);
  assert.equal(parsed.kind, "serve", JSON.stringify(parsed));
  return (parsed as Extract<typeof parsed, { kind: "serve" }>).config;
}

function errorOf(args: string[], env: Env = noEnv): string {
  const parsed = parseConfig(args, env);
  assert.equal(parsed.kind, "error");
  return (parsed as Extract<typeof parsed, { kind: "error" }>).message;
}

Deno.test("--workers defaults to 1, with the relay as --relay says", () => {
  const config = serveConfig([]);
  assert.equal(config.workers, 1);
  assert.equal(config.kvRelay, false);
});

Deno.test("--workers N (or HEARTH_WORKERS) above 1 turns the KV relay on", () => {
  const config = serveConfig(["--workers", "3"]);
  assert.equal(config.workers, 3);
  assert.equal(config.kvRelay, true);
  assert.equal(config.relay, false);
  const fromEnv = serveConfig([], envOf({ HEARTH_WORKERS: "2" }));
  assert.equal(fromEnv.workers, 2);
  // The flag wins over the variable.
  assert.equal(
    serveConfig(["--workers", "1"], envOf({ HEARTH_WORKERS: "4" })).workers,
    1,
  );
});

Deno.test("--workers auto takes one worker per CPU", () => {
  assert.equal(
    serveConfig(["--workers", "auto"]).workers,
    Math.min(64, navigator.hardwareConcurrency),
  );
});

Deno.test("--workers refuses what is not a count from 1 to 64, or auto", () => {
  assert.match(
    errorOf(["--workers", "0"]),
    /--workers must be between 1 and 64 or auto, got 0/,
  );
  assert.match(errorOf(["--workers", "65"]), /between 1 and 64/);
  assert.match(
    errorOf(["--workers=-2"]),
    /--workers must be a whole number or auto, got "-2"/,
  );
  assert.match(errorOf(["--workers", "two"]), /whole number or auto/);
  assert.match(
    errorOf([], envOf({ HEARTH_WORKERS: "1.5" })),
    /whole number or auto, got "1.5"/,
  );
});

Deno.test("--workers above 1 refuses an in-memory database, which each worker would have alone", () => {
  assert.match(
    errorOf(["--db", ":memory:", "--workers", "2"]),
    /needs a database file/,
  );
});

Deno.test("--workers stays 1 on Deno Deploy, which runs isolates of its own", () => {
  const config = serveConfig(
    ["--workers", "4"],
    envOf({ DENO_DEPLOYMENT_ID: "x" }),
  );
  assert.equal(config.workers, 1);
});

Deno.test("hearth --workers 0 exits 2 with the message and the pointer to --help", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--workers", "0", "--db", ":memory:"],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const text = new TextDecoder().decode(out.stderr);
  assert.match(
    text,
    /hearth: --workers must be between 1 and 64 or auto, got 0\nRun with --help/,
  );
});

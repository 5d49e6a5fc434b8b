import assert from "node:assert/strict";
import { type Config, HELP, parseConfig } from "./config.ts";

/** An environment holding exactly `vars`. */
function envOf(vars: Record<string, string> = {}) {
  return (name: string): string | undefined => vars[name];
}

/** Parses and returns the config, failing the test on anything but "serve". */
function serve(args: string[], vars: Record<string, string> = {}): Config {
  const parsed = parseConfig(args, envOf(vars));
  assert.equal(parsed.kind, "serve", JSON.stringify(parsed));
  return (parsed as { config: Config }).config;
}

/** Parses and returns the error message, failing the test on anything else. */
function failure(args: string[], vars: Record<string, string> = {}): string {
  const parsed = parseConfig(args, envOf(vars));
  assert.equal(parsed.kind, "error", JSON.stringify(parsed));
  return (parsed as { message: string }).message;
}

Deno.test("parseConfig() uses the defaults with no flags and no environment", () => {
  const config = serve([]);
  assert.equal(config.port, 8000);
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.db, "./hearth.db");
  assert.equal(config.maxUploadBytes, 100 * 1024 * 1024);
  assert.deepEqual(config.origins, []);
  assert.equal(config.secret, undefined);
  assert.equal(config.tokenTtlSeconds, 7 * 86400);
  assert.equal(config.passwordCost, 12);
  assert.equal(config.relay, false);
  assert.equal(config.trustProxy, false);
  assert.equal(config.registration, "invite");
});

Deno.test("parseConfig() reads --registration and HEARTH_REGISTRATION", () => {
  assert.equal(serve(["--registration", "open"]).registration, "open");
  assert.equal(serve(["--registration", "Closed"]).registration, "closed");
  assert.equal(serve([], { HEARTH_REGISTRATION: "open" }).registration, "open");
  // The flag wins over the environment, and a later flag over an earlier one.
  assert.equal(
    serve(["--registration", "closed"], { HEARTH_REGISTRATION: "open" })
      .registration,
    "closed",
  );
  assert.equal(
    serve(["--registration", "open", "--registration", "invite"])
      .registration,
    "invite",
  );
  assert.match(
    failure(["--registration", "sometimes"]),
    /^--registration must be open, invite or closed/,
  );
  assert.match(
    failure([], { HEARTH_REGISTRATION: "" }),
    /^--registration must be open, invite or closed/,
  );
});

Deno.test("parseConfig() sends Web Push to http://127.0.0.1 only with --push-allow-http-loopback", () => {
  assert.equal(serve([]).pushAllowHttpLoopback, false);
  assert.equal(
    serve(["--push-allow-http-loopback"]).pushAllowHttpLoopback,
    true,
  );
});

Deno.test("parseConfig() lets webhooks reach private addresses only with --webhook-allow-private", () => {
  assert.equal(serve([]).webhookAllowPrivate, false);
  assert.equal(serve(["--webhook-allow-private"]).webhookAllowPrivate, true);
  assert.equal(
    serve([], { HEARTH_WEBHOOK_ALLOW_PRIVATE: "1" }).webhookAllowPrivate,
    true,
  );
});

Deno.test("parseConfig() reads --trust-proxy and HEARTH_TRUST_PROXY", () => {
  assert.equal(serve(["--trust-proxy"]).trustProxy, true);
  assert.equal(serve([], { HEARTH_TRUST_PROXY: "1" }).trustProxy, true);
  assert.equal(serve([], { HEARTH_TRUST_PROXY: "TRUE" }).trustProxy, true);
  assert.equal(serve([], { HEARTH_TRUST_PROXY: "0" }).trustProxy, false);
  assert.equal(serve([], { HEARTH_TRUST_PROXY: "" }).trustProxy, false);
  assert.match(
    failure([], { HEARTH_TRUST_PROXY: "yes please" }),
    /^HEARTH_TRUST_PROXY must be 1 or 0/,
  );
});

Deno.test("parseConfig() reads every flag", () => {
  const config = serve([
    "--port",
    "9000",
    "--host",
    "127.0.0.1",
    "--db",
    ":memory:",
    "--max-upload-mb",
    "5",
    "--origin",
    "https://chat.example.org",
    "--secret",
    "a-long-enough-secret",
    "--token-ttl",
    "12h",
  ]);
  assert.equal(config.port, 9000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.db, ":memory:");
  assert.equal(config.maxUploadBytes, 5 * 1024 * 1024);
  assert.deepEqual(config.origins, ["https://chat.example.org"]);
  assert.equal(config.secret, "a-long-enough-secret");
  assert.equal(config.tokenTtlSeconds, 12 * 3600);
});

Deno.test("parseConfig() accepts --flag=value", () => {
  const config = serve(["--port=0", "--db=/var/lib/hearth/kv.db"]);
  assert.equal(config.port, 0);
  assert.equal(config.db, "/var/lib/hearth/kv.db");
});

Deno.test("parseConfig() falls back to environment variables", () => {
  const config = serve([], {
    PORT: "8123",
    HOST: "::",
    HEARTH_DB: "/data/hearth.db",
    HEARTH_MAX_UPLOAD_MB: "7",
    HEARTH_ORIGINS: " https://a.example , https://B.example:8443/x ,,",
    HEARTH_SECRET: "sixteen-chars-ok",
    HEARTH_TOKEN_TTL: "30m",
  });
  assert.equal(config.port, 8123);
  assert.equal(config.host, "::");
  assert.equal(config.db, "/data/hearth.db");
  assert.equal(config.maxUploadBytes, 7 * 1024 * 1024);
  assert.deepEqual(config.origins, [
    "https://a.example",
    "https://b.example:8443",
  ]);
  assert.equal(config.secret, "sixteen-chars-ok");
  assert.equal(config.tokenTtlSeconds, 30 * 60);
});

Deno.test("parseConfig() prefers flags to environment variables", () => {
  const config = serve(
    ["--port", "1", "--db", "flag.db", "--origin", "https://flag.example"],
    {
      PORT: "2",
      HEARTH_DB: "env.db",
      HEARTH_ORIGINS: "https://env.example",
    },
  );
  assert.equal(config.port, 1);
  assert.equal(config.db, "flag.db");
  assert.deepEqual(config.origins, ["https://flag.example"]);
});

Deno.test("parseConfig() reads the relay switch and the bcrypt cost from the environment", () => {
  assert.equal(serve([], { HEARTH_RELAY: "1" }).relay, true);
  assert.equal(serve([], { DENO_DEPLOYMENT_ID: "abc" }).relay, true);
  assert.equal(serve([], { DENO_DEPLOYMENT_ID: "abc" }).kvRelay, true);
  assert.equal(serve([], {}).kvRelay, false);
  assert.equal(serve([], { HEARTH_RELAY: "kv" }).relay, false);
  assert.equal(serve([], { HEARTH_RELAY: "kv" }).kvRelay, true);
  assert.equal(serve(["--relay", "both"], {}).relay, true);
  assert.equal(serve(["--relay", "both"], {}).kvRelay, true);
  assert.equal(
    serve(["--relay", "off"], { HEARTH_RELAY: "kv" }).kvRelay,
    false,
  );
  assert.match(failure(["--relay", "fast"], {}), /--relay must be off/);
  assert.equal(serve([], { HEARTH_BCRYPT_COST: "4" }).passwordCost, 4);
  assert.match(
    failure([], { HEARTH_BCRYPT_COST: "3" }),
    /HEARTH_BCRYPT_COST must be between 4 and 15/,
  );
});

Deno.test("parseConfig() takes --origin more than once and normalises each", () => {
  const config = serve([
    "--origin",
    "https://Chat.Example.org/some/path?q=1",
    "--origin",
    "http://localhost:80",
    "--origin",
    "https://chat.example.org:443",
    "--origin",
    "http://127.0.0.1:5173/",
  ]);
  assert.deepEqual(config.origins, [
    "https://chat.example.org",
    "http://localhost",
    "https://chat.example.org",
    "http://127.0.0.1:5173",
  ]);
});

Deno.test("parseConfig() refuses an --origin that is not an http(s) URL", () => {
  assert.match(
    failure(["--origin", "chat.example.org"]),
    /^--origin "chat\.example\.org" is not a URL/,
  );
  for (
    const origin of [
      "ws://chat.example.org",
      "ftp://files.example",
      "data:text/plain,hi",
    ]
  ) {
    assert.equal(
      failure(["--origin", origin]),
      `--origin "${origin}" must be an http(s) origin`,
    );
  }
  assert.match(failure([], { HEARTH_ORIGINS: "nope" }), /^--origin "nope"/);
});

Deno.test("parseConfig() reads --token-ttl in seconds, minutes, hours and days", () => {
  const ttl = (value: string) => serve(["--token-ttl", value]).tokenTtlSeconds;
  assert.equal(ttl("3600"), 3600);
  assert.equal(ttl("90s"), 90);
  assert.equal(ttl("30m"), 1800);
  assert.equal(ttl("12h"), 43200);
  assert.equal(ttl("7d"), 604800);
  assert.equal(ttl("365d"), 365 * 86400);
});

Deno.test("parseConfig() accepts the port range edges", () => {
  assert.equal(serve(["--port", "0"]).port, 0);
  assert.equal(serve(["--port", "65535"]).port, 65535);
});

Deno.test("parseConfig() refuses bad values with a message naming the flag", () => {
  const cases: [string[], RegExp][] = [
    [["--port", "abc"], /^--port must be a whole number, got "abc"$/],
    [["--port", "-1"], /--port/],
    [["--port", "80.5"], /^--port must be a whole number/],
    [["--port", "70000"], /^--port must be between 0 and 65535, got 70000$/],
    [["--max-upload-mb", "0"], /^--max-upload-mb must be between 1 and/],
    [["--max-upload-mb", "lots"], /^--max-upload-mb must be a whole number/],
    [
      ["--token-ttl", "5y"],
      /^--token-ttl must look like 7d, 12h, 30m or 3600, got "5y"$/,
    ],
    [
      ["--token-ttl", "30s"],
      /^--token-ttl must be between 1 minute and 365 days/,
    ],
    [
      ["--token-ttl", "366d"],
      /^--token-ttl must be between 1 minute and 365 days/,
    ],
    [["--secret", "short"], /^--secret must be at least 16 characters$/],
    [["--host", " "], /^--host must not be empty$/],
    [["--db", ""], /^--db must not be empty$/],
  ];
  for (const [args, message] of cases) {
    assert.match(failure(args), message, args.join(" "));
  }
});

Deno.test("parseConfig() refuses bad environment values too", () => {
  assert.match(failure([], { PORT: "http" }), /^--port must be a whole number/);
  assert.match(failure([], { HEARTH_SECRET: "too-short" }), /^--secret/);
  assert.match(failure([], { HEARTH_TOKEN_TTL: "forever" }), /^--token-ttl/);
});

Deno.test("parseConfig() refuses an unknown flag, naming it", () => {
  assert.match(failure(["--prot", "80"]), /--prot/);
  assert.match(failure(["-x"]), /-x/);
});

Deno.test("parseConfig() refuses a flag without its value and a stray argument", () => {
  assert.match(failure(["--port"]), /--port/);
  assert.match(failure(["serve"]), /serve/);
});

Deno.test("parseConfig() answers --help and --version before checking values", () => {
  assert.deepEqual(parseConfig(["--help"], envOf()), { kind: "help" });
  assert.deepEqual(parseConfig(["-h"], envOf()), { kind: "help" });
  assert.deepEqual(parseConfig(["--port", "abc", "--help"], envOf()), {
    kind: "help",
  });
  assert.deepEqual(parseConfig(["--version"], envOf()), { kind: "version" });
  assert.deepEqual(parseConfig(["-V"], envOf({ PORT: "bad" })), {
    kind: "version",
  });
});

Deno.test("HELP lists every flag and its environment variable", () => {
  for (
    const word of [
      "--port",
      "--host",
      "--db",
      "--max-upload-mb",
      "--origin",
      "--secret",
      "--token-ttl",
      "--trust-proxy",
      "HEARTH_TRUST_PROXY",
      "--registration",
      "HEARTH_REGISTRATION",
      "--help",
      "--version",
      "PORT",
      "HOST",
      "HEARTH_DB",
      "HEARTH_MAX_UPLOAD_MB",
      "HEARTH_ORIGINS",
      "HEARTH_SECRET",
      "HEARTH_TOKEN_TTL",
    ]
  ) {
    assert.ok(HELP.includes(word), word);
  }
});

Deno.test("parseConfig() reads the connection limits; no per-address cap behind a trusted proxy unless given", () => {
  const plain = serveConfig(["--header-timeout", "5", "--idle-timeout=7"]);
  assert.deepEqual(plain.connections, {
    headerTimeoutMs: 5000,
    idleTimeoutMs: 7000,
    perAddress: 64,
  });
  assert.equal(serveConfig(["--trust-proxy"]).connections.perAddress, 0);
  assert.equal(
    serveConfig(["--trust-proxy", "--max-conns-per-address", "500"])
      .connections.perAddress,
    500,
  );
  const env = { HEARTH_MAX_CONNS_PER_ADDRESS: "9" };
  assert.equal(serveConfig([], env).connections.perAddress, 9);
});

Deno.test("parseConfig() reads the per-user caps, and HEARTH_USER_LIMITS=off lifts them", () => {
  assert.deepEqual(serveConfig([]).userLimits, {
    enabled: true,
    messagesPerSecond: 5,
    messageBurst: 20,
    channelsPerHour: 10,
    socketsPerUser: 20,
    storageBytes: 1024 * 1024 * 1024,
  });
  const set = serveConfig(
    ["--user-messages-per-second", "2", "--user-sockets", "3"],
    { HEARTH_USER_MESSAGE_BURST: "4", HEARTH_USER_CHANNELS_PER_HOUR: "1" },
  );
  assert.deepEqual(set.userLimits, {
    enabled: true,
    messagesPerSecond: 2,
    messageBurst: 4,
    channelsPerHour: 1,
    socketsPerUser: 3,
    storageBytes: 1024 * 1024 * 1024,
  });
  assert.equal(
    serveConfig([], { HEARTH_USER_LIMITS: "off" }).userLimits.enabled,
    false,
  );
  const bad = parseConfig(
    [],
    (name) => name === "HEARTH_USER_LIMITS" ? "maybe" : undefined,
  );
  assert.equal(bad.kind, "error");
  assert.equal(
    parseConfig(["--user-sockets", "0"], () => undefined).kind,
    "error",
  );
});

function serveConfig(args: string[], env: Record<string, string> = {}): Config {
  const parsed = parseConfig(args, (name) => env[name]);
  if (parsed.kind !== "serve") throw new Error(JSON.stringify(parsed));
  return parsed.config;
}

Deno.test("HEARTH_SEARCH_INDEX picks the search engine: auto by default, kv or sqlite forced, anything else refused", () => {
  const parse = (value?: string) =>
    parseConfig(
      [],
      (name) => name === "HEARTH_SEARCH_INDEX" ? value : undefined,
    );
  const engine = (value?: string) => {
    const parsed = parse(value);
    return parsed.kind === "serve" ? parsed.config.searchIndex : parsed;
  };
  assert.equal(engine(), "auto");
  assert.equal(engine("KV"), "kv");
  assert.equal(engine(" sqlite "), "sqlite");
  assert.deepEqual(parse("fts"), {
    kind: "error",
    message: 'HEARTH_SEARCH_INDEX must be auto, kv or sqlite, got "fts"',
  });
});

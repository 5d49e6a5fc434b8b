/**
 * Accounts over HTTP against a real server: register, login (JSON and form),
 * the session cookie, logout, /me, token rules, the cross-site check, rate
 * limits and the error contract.
 */
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import type { Config } from "../lib/config.ts";
import { startTestServer } from "./helpers/server.ts";
import { showLogOnFailure } from "./helpers/server_log.ts";

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const FAST: Partial<Config> = { passwordCost: 4 };
const PASSWORD = "correct horse battery";
const SEVEN_DAYS = 7 * 24 * 3600;

/** Runs `body` against a fresh server with fast bcrypt, showing its log if `body` fails; always shuts it down. */
async function withAuthServer(
  body: (server: TestServer) => Promise<void>,
  args: string[] = [],
  overrides: Partial<Config> = FAST,
): Promise<void> {
  const server = await startTestServer(args, overrides);
  try {
    await showLogOnFailure(`the server at ${server.base}`, () => body(server));
  } finally {
    await server.shutdown();
  }
}

interface CallOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  /** Sent as is; set the content type in `headers`. */
  body?: BodyInit;
  token?: string;
  /** A `name=value` cookie pair. */
  cookie?: string;
  headers?: Record<string, string>;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * Makes one request and checks what every response must satisfy: no password
 * hash in the body, and errors as exactly `{detail, code}` JSON.
 */
async function call(
  server: TestServer,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Reply> {
  const headers = new Headers(opts.headers);
  let body: BodyInit | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!headers.has("content-type")) {
      headers.set("content-type", "application/json");
    }
  } else if (opts.form !== undefined) {
    body = new URLSearchParams(opts.form).toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  if (opts.token !== undefined) {
    headers.set("authorization", `Bearer ${opts.token}`);
  }
  if (opts.cookie !== undefined) headers.set("cookie", opts.cookie);
  const res = await fetch(server.base + path, { method, headers, body });
  const text = await res.text();
  assert.ok(
    !text.includes("passwordHash"),
    `${method} ${path} leaked passwordHash: ${text}`,
  );
  assert.ok(!text.includes("$2"), `${method} ${path} leaked a hash: ${text}`);
  let parsed: unknown = null;
  if (text !== "") {
    assert.match(
      res.headers.get("content-type") ?? "",
      /^application\/json/,
      `${method} ${path} answered ${res.status} with ${text}`,
    );
    parsed = JSON.parse(text);
  }
  if (res.status >= 400) {
    const error = parsed as Record<string, unknown>;
    assert.deepEqual(Object.keys(error ?? {}).sort(), ["code", "detail"]);
    assert.equal(typeof error.detail, "string");
    assert.equal(typeof error.code, "string");
    assert.ok((error.detail as string).length > 0);
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

async function register(
  server: TestServer,
  username: string,
  password = PASSWORD,
  displayName?: string,
): Promise<Record<string, string>> {
  const res = await call(server, "POST", "/auth/register", {
    json: { username, password, displayName },
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

interface SignedIn {
  token: string;
  /** `hearth_token=<jwt>`, ready for a Cookie header. */
  cookie: string;
  setCookie: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

async function login(
  server: TestServer,
  username: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const res = await call(server, "POST", "/auth/login", {
    json: { username, password },
    headers,
  });
  assert.equal(res.status, 200, res.text);
  const setCookie = res.headers.getSetCookie()[0] ?? "";
  return {
    token: res.body.access_token,
    cookie: setCookie.split(";")[0],
    setCookie,
    body: res.body,
  };
}

/** Cookie attributes after the name=value pair, lowercased names. */
function cookieAttributes(setCookie: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of setCookie.split(";").slice(1)) {
    const [name, ...rest] = part.trim().split("=");
    attrs.set(name.toLowerCase(), rest.join("="));
  }
  return attrs;
}

function b64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// ---------------------------------------------------------------- register

Deno.test("POST /auth/register creates a user and answers 201 with only public fields", async () => {
  await withAuthServer(async (server) => {
    const before = Date.now();
    const res = await call(server, "POST", "/auth/register", {
      json: { username: "alice", password: PASSWORD },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), [
      "avatarUrl",
      "createdAt",
      "displayName",
      "id",
      "role",
      "status",
      "username",
    ]);
    assert.equal(res.body.username, "alice");
    assert.equal(res.body.displayName, "alice", "defaults to the username");
    assert.equal(typeof res.body.id, "string");
    assert.ok(res.body.id.length > 0);
    assert.equal(
      new Date(res.body.createdAt).toISOString(),
      res.body.createdAt,
    );
    assert.ok(Date.parse(res.body.createdAt) >= before - 1000);

    const named = await register(server, "bob", PASSWORD, "  Bob the Builder ");
    assert.equal(named.displayName, "Bob the Builder", "trimmed");
    assert.notEqual(named.id, res.body.id);
  });
});

Deno.test("POST /auth/register refuses a taken username, ignoring case, with 409", async () => {
  await withAuthServer(async (server) => {
    await register(server, "Alice");
    for (const username of ["Alice", "alice", "ALICE"]) {
      const res = await call(server, "POST", "/auth/register", {
        json: { username, password: "another password" },
      });
      assert.equal(res.status, 409, username);
      assert.equal(res.body.code, "username_taken");
    }
    // The original account is untouched: its password still works.
    await login(server, "alice");
  });
});

Deno.test("POST /auth/register checks usernames: 3 to 32 of letters, digits, _ . -", async () => {
  await withAuthServer(async (server) => {
    for (const username of ["abc", "a".repeat(32), "a.b_c-d9", "x_1"]) {
      await register(server, username);
    }
    const bad: unknown[] = [
      "ab",
      "a".repeat(33),
      "has space",
      "émile",
      "semi;colon",
      "slash/name",
      "",
      42,
      null,
    ];
    for (const username of bad) {
      const res = await call(server, "POST", "/auth/register", {
        json: { username, password: PASSWORD },
      });
      assert.equal(res.status, 422, JSON.stringify(username));
      assert.equal(res.body.code, "validation_failed");
      assert.match(res.body.detail, /username/i);
    }
    const missing = await call(server, "POST", "/auth/register", {
      json: { password: PASSWORD },
    });
    assert.equal(missing.status, 422);
    assert.match(missing.body.detail, /username/i);
  });
});

Deno.test("POST /auth/register checks display names: 1 to 64 characters after trimming", async () => {
  await withAuthServer(async (server) => {
    const longest = await register(server, "longest", PASSWORD, "d".repeat(64));
    assert.equal(longest.displayName, "d".repeat(64));
    for (const displayName of ["", "   ", "d".repeat(65), 7]) {
      const res = await call(server, "POST", "/auth/register", {
        json: { username: "carol", password: PASSWORD, displayName },
      });
      assert.equal(res.status, 422, JSON.stringify(displayName));
      assert.match(res.body.detail, /display ?name/i);
    }
  });
});

Deno.test("POST /auth/register checks passwords: at least 8 characters, at most 72 UTF-8 bytes", async () => {
  await withAuthServer(async (server) => {
    // Accepted at the edges, and each one signs in afterwards.
    const good: Array<[string, string]> = [
      ["eight", "12345678"],
      ["ascii72", "p".repeat(72)],
      ["euro72", "€".repeat(24)], // 24 characters, 72 bytes
      ["emoji8", "🔥".repeat(8)], // 8 characters, 32 bytes
    ];
    for (const [username, password] of good) {
      await register(server, username, password);
      await login(server, username, password);
    }
    const bad: Array<[unknown, RegExp]> = [
      ["1234567", /at least 8/],
      ["p".repeat(73), /72 bytes/],
      ["€".repeat(25), /72 bytes/], // 25 characters but 75 bytes
      ["🔥".repeat(19), /72 bytes/], // 19 characters but 76 bytes
      ["", /password/i],
      [12345678, /password/i],
    ];
    for (const [password, detail] of bad) {
      const res = await call(server, "POST", "/auth/register", {
        json: { username: "dave", password },
      });
      assert.equal(res.status, 422, JSON.stringify(password));
      assert.equal(res.body.code, "validation_failed");
      assert.match(res.body.detail, /password/i);
      assert.match(res.body.detail, detail);
    }
    const missing = await call(server, "POST", "/auth/register", {
      json: { username: "dave" },
    });
    assert.equal(missing.status, 422);
    assert.match(missing.body.detail, /password/i);
  });
});

Deno.test("POST /auth/register: malformed JSON 400, wrong content type 415, non-object 422, oversized 413", async () => {
  await withAuthServer(async (server) => {
    const malformed = await call(server, "POST", "/auth/register", {
      body: '{"username": "alice",',
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, "malformed_json");

    const json = JSON.stringify({ username: "alice", password: PASSWORD });
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const res = await call(server, "POST", "/auth/register", {
        body: json,
        headers: { "content-type": type },
      });
      assert.equal(res.status, 415, type);
      assert.equal(res.body.code, "unsupported_media_type");
    }
    const untyped = await call(server, "POST", "/auth/register", {
      body: new Blob([json]),
    });
    assert.equal(untyped.status, 415);

    for (const value of [[], null, "alice", 3]) {
      const res = await call(server, "POST", "/auth/register", {
        json: value,
      });
      assert.equal(res.status, 422, JSON.stringify(value));
      assert.equal(res.body.code, "validation_failed");
    }

    const huge = await call(server, "POST", "/auth/register", {
      json: { username: "alice", password: PASSWORD, pad: "x".repeat(70_000) },
    });
    assert.equal(huge.status, 413);

    // None of these created the account.
    await register(server, "alice");
  });
});

// ------------------------------------------------------------------- login

Deno.test("POST /auth/login with JSON returns an HS256 token, its lifetime and the user", async () => {
  await withAuthServer(async (server) => {
    const user = await register(server, "alice");
    const before = nowSeconds();
    const res = await call(server, "POST", "/auth/login", {
      json: { username: "alice", password: PASSWORD },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), [
      "access_token",
      "expires_in",
      "mustChangePassword",
      "token_type",
      "user",
    ]);
    assert.equal(res.body.mustChangePassword, false);
    assert.equal(res.body.token_type, "bearer");
    assert.equal(res.body.expires_in, SEVEN_DAYS);
    assert.deepEqual(res.body.user, user);
    assert.equal(res.headers.get("cache-control"), "no-store");

    const token: string = res.body.access_token;
    assert.deepEqual(decodeProtectedHeader(token), {
      alg: "HS256",
      typ: "JWT",
    });
    const claims = decodeJwt(token);
    assert.equal(claims.sub, user.id);
    assert.equal(typeof claims.jti, "string");
    assert.ok(claims.iat! >= before && claims.iat! <= nowSeconds());
    assert.equal(claims.exp! - claims.iat!, SEVEN_DAYS);

    const me = await call(server, "GET", "/me", { token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, user);

    // Usernames are matched without regard to case; each login is a new token.
    const again = await login(server, "ALICE");
    assert.equal(again.body.user.id, user.id);
    assert.notEqual(again.token, token);
    assert.notEqual(decodeJwt(again.token).jti, claims.jti);
  });
});

Deno.test("POST /auth/login honours --token-ttl", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const { body, setCookie } = await login(server, "alice");
    assert.equal(body.expires_in, 7200);
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.exp! - claims.iat!, 7200);
    assert.equal(cookieAttributes(setCookie).get("max-age"), "7200");
  }, ["--token-ttl", "2h"]);
});

Deno.test("POST /auth/login sets an HttpOnly, SameSite=Lax, Path=/ cookie, Secure only over HTTPS", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const plain = await login(server, "alice");
    assert.equal(plain.cookie, `hearth_token=${plain.token}`);
    const attrs = cookieAttributes(plain.setCookie);
    assert.ok(attrs.has("httponly"), plain.setCookie);
    assert.equal(attrs.get("samesite"), "Lax");
    assert.equal(attrs.get("path"), "/");
    assert.equal(attrs.get("max-age"), String(SEVEN_DAYS));
    assert.ok(!attrs.has("secure"), "no Secure over plain HTTP");

    const proxied = await login(server, "alice", PASSWORD, {
      "x-forwarded-proto": "https",
    });
    const proxiedAttrs = cookieAttributes(proxied.setCookie);
    assert.ok(proxiedAttrs.has("secure"), proxied.setCookie);
    assert.ok(proxiedAttrs.has("httponly"));
    assert.equal(proxiedAttrs.get("samesite"), "Lax");
    assert.equal(proxiedAttrs.get("path"), "/");

    // The cookie alone authenticates.
    const me = await call(server, "GET", "/me", { cookie: plain.cookie });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, "alice");
    const withOthers = await call(server, "GET", "/me", {
      cookie: `theme=dark; ${plain.cookie}; lang=en`,
    });
    assert.equal(withOthers.status, 200);
  }, ["--trust-proxy"]);
});

Deno.test("POST /auth/login: unknown user and wrong password get the same 401 and the same body", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const wrong = await call(server, "POST", "/auth/login", {
      json: { username: "alice", password: "not the password" },
    });
    const unknown = await call(server, "POST", "/auth/login", {
      json: { username: "nobody", password: "not the password" },
    });
    const unknownRight = await call(server, "POST", "/auth/login", {
      json: { username: "nobody", password: PASSWORD },
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.text, unknown.text);
    assert.equal(wrong.text, unknownRight.text);
    assert.equal(wrong.body.code, "invalid_credentials");
    for (const res of [wrong, unknown]) {
      assert.deepEqual(res.headers.getSetCookie(), []);
    }
    const headerNames = (h: Headers) =>
      [...h.keys()].filter((k) => k !== "date" && k !== "x-request-id");
    assert.deepEqual(headerNames(wrong.headers), headerNames(unknown.headers));
  });
});

Deno.test({
  name:
    "POST /auth/login: unknown user and wrong password take about the same time (cost 12)",
  async fn() {
    // Default cost on purpose: at cost 4 any difference would vanish in noise.
    await withAuthServer(
      async (server) => {
        assert.equal(server.services.hasher.cost, 12);
        await register(server, "timed");
        const attempt = async (username: string) => {
          const start = performance.now();
          const res = await call(server, "POST", "/auth/login", {
            json: { username, password: "wrong password" },
          });
          const elapsed = performance.now() - start;
          assert.equal(res.status, 401);
          return elapsed;
        };
        // Warm both paths (worker start, dummy hash), then interleave so load
        // from elsewhere hits both series alike. 6 failures each stay under
        // the login limit.
        await attempt("timed");
        await attempt("unknown_user");
        const wrong: number[] = [];
        const unknown: number[] = [];
        for (let i = 0; i < 5; i++) {
          wrong.push(await attempt("timed"));
          unknown.push(await attempt("unknown_user"));
        }
        // The fastest try of each series is the server's own work: load from
        // elsewhere only ever adds time. The medians must agree too, loosely.
        // Skipping bcrypt for unknown users would make either ratio about 0.01.
        const fastest = Math.min(...unknown) / Math.min(...wrong);
        const typical = median(unknown) / median(wrong);
        const shown = `unknown ${unknown.map(Math.round)} ms, wrong ${
          wrong.map(Math.round)
        } ms`;
        assert.ok(fastest > 0.5 && fastest < 2, `fastest ratio: ${shown}`);
        assert.ok(typical > 0.33 && typical < 3, `median ratio: ${shown}`);
      },
      [],
      {},
    );
  },
});

Deno.test("POST /auth/login accepts the OAuth2 password form", async () => {
  await withAuthServer(async (server) => {
    const user = await register(server, "alice");
    const forms: Record<string, string>[] = [
      { username: "alice", password: PASSWORD },
      { grant_type: "password", username: "alice", password: PASSWORD },
      {
        grant_type: "password",
        username: "Alice",
        password: PASSWORD,
        scope: "",
        client_id: "legacy",
      },
    ];
    for (const form of forms) {
      const res = await call(server, "POST", "/auth/login", { form });
      assert.equal(res.status, 200, JSON.stringify(form));
      assert.equal(res.body.token_type, "bearer");
      assert.equal(res.body.expires_in, SEVEN_DAYS);
      assert.deepEqual(res.body.user, user);
      const me = await call(server, "GET", "/me", {
        token: res.body.access_token,
      });
      assert.equal(me.status, 200);
      assert.equal(res.headers.getSetCookie().length, 1);
    }
    // Non-ASCII passwords survive form encoding.
    await register(server, "bruno", "pässwörd 🔥 密码");
    const unicode = await call(server, "POST", "/auth/login", {
      form: { username: "bruno", password: "pässwörd 🔥 密码" },
    });
    assert.equal(unicode.status, 200);

    const wrong = await call(server, "POST", "/auth/login", {
      form: { username: "alice", password: "not the password" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "invalid_credentials");
  });
});

Deno.test("POST /auth/login refuses other grant types with 400 and missing form fields with 422", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    for (const grant of ["client_credentials", "authorization_code", ""]) {
      const res = await call(server, "POST", "/auth/login", {
        form: { grant_type: grant, username: "alice", password: PASSWORD },
      });
      assert.equal(res.status, 400, grant);
      assert.equal(res.body.code, "unsupported_grant_type");
      assert.deepEqual(res.headers.getSetCookie(), []);
    }
    const noPassword = await call(server, "POST", "/auth/login", {
      form: { username: "alice" },
    });
    assert.equal(noPassword.status, 422);
    assert.match(noPassword.body.detail, /password/i);
    assert.match(noPassword.body.detail, /required/i);
    const noUsername = await call(server, "POST", "/auth/login", {
      form: { password: PASSWORD },
    });
    assert.equal(noUsername.status, 422);
    assert.match(noUsername.body.detail, /username/i);
    assert.match(noUsername.body.detail, /required/i);
  });
});

Deno.test("POST /auth/login: malformed JSON 400, wrong content type 415, failed schema 422", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const malformed = await call(server, "POST", "/auth/login", {
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, "malformed_json");

    for (const type of ["text/plain", "multipart/form-data; boundary=x"]) {
      const res = await call(server, "POST", "/auth/login", {
        body: JSON.stringify({ username: "alice", password: PASSWORD }),
        headers: { "content-type": type },
      });
      assert.equal(res.status, 415, type);
      assert.equal(res.body.code, "unsupported_media_type");
    }

    const cases: Array<[unknown, RegExp]> = [
      [{ password: PASSWORD }, /username/i],
      [{ username: "alice" }, /password/i],
      [{ username: "alice", password: "" }, /password/i],
      [{ username: 5, password: PASSWORD }, /username/i],
      [{ username: "alice", password: ["x"] }, /password/i],
      [{ username: "alice", password: "p".repeat(73) }, /password/i],
    ];
    for (const [json, field] of cases) {
      const res = await call(server, "POST", "/auth/login", { json });
      assert.equal(res.status, 422, JSON.stringify(json));
      assert.equal(res.body.code, "validation_failed");
      assert.match(res.body.detail, field);
    }
  });
});

// --------------------------------------------------------------------- /me

Deno.test("GET /me needs a valid token: 401 with WWW-Authenticate otherwise", async () => {
  await withAuthServer(async (server) => {
    const user = await register(server, "alice");
    const { token } = await login(server, "alice");
    const me = await call(server, "GET", "/me", { token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, user);

    const attempts: CallOptions[] = [
      {},
      { token: "not-a-jwt" },
      { token: token + "x" },
      { headers: { authorization: `Basic ${btoa("alice:" + PASSWORD)}` } },
      { headers: { authorization: "Bearer" } },
      { cookie: "hearth_token=garbage" },
      { cookie: "hearth_token=" },
    ];
    for (const opts of attempts) {
      const res = await call(server, "GET", "/me", opts);
      assert.equal(res.status, 401, JSON.stringify(opts));
      assert.equal(res.body.code, "unauthorized");
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
    // The scheme name is case-insensitive.
    const lower = await call(server, "GET", "/me", {
      headers: { authorization: `bearer ${token}` },
    });
    assert.equal(lower.status, 200);
  });
});

Deno.test("PATCH /me changes the display name, trimmed, 1 to 64 characters", async () => {
  await withAuthServer(async (server) => {
    const user = await register(server, "alice");
    const { token } = await login(server, "alice");
    const res = await call(server, "PATCH", "/me", {
      token,
      json: { displayName: "  Alice Liddell  " },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ...user, displayName: "Alice Liddell" });
    const me = await call(server, "GET", "/me", { token });
    assert.equal(me.body.displayName, "Alice Liddell");
    // The new name also shows at the next login.
    assert.equal(
      (await login(server, "alice")).body.user.displayName,
      "Alice Liddell",
    );

    const longest = await call(server, "PATCH", "/me", {
      token,
      json: { displayName: "n".repeat(64) },
    });
    assert.equal(longest.status, 200);

    for (
      const json of [
        { displayName: "" },
        { displayName: "   " },
        {
          displayName: "n".repeat(65),
        },
        { displayName: 3 },
        {},
      ]
    ) {
      const bad = await call(server, "PATCH", "/me", { token, json });
      assert.equal(bad.status, 422, JSON.stringify(json));
      assert.equal(bad.body.code, "validation_failed");
      assert.match(bad.body.detail, /displayName/);
    }
    // The same rules as at registration: no control characters and no bidi
    // overrides that could make a name read as another.
    for (
      const displayName of ["tab\there", "next\u0085line", "evil\u202eexe"]
    ) {
      const json = { displayName };
      const bad = await call(server, "PATCH", "/me", { token, json });
      assert.equal(bad.status, 422, JSON.stringify(json));
      assert.match(bad.body.detail, /displayName/);
      const reg = await call(server, "POST", "/auth/register", {
        json: { username: "mallory", password: PASSWORD, displayName },
      });
      assert.equal(reg.status, 422, JSON.stringify(json));
      assert.match(reg.body.detail, /displayName/);
    }
    const malformed = await call(server, "PATCH", "/me", {
      token,
      body: "{",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    const wrongType = await call(server, "PATCH", "/me", {
      token,
      body: "displayName=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(wrongType.status, 415);
    const anonymous = await call(server, "PATCH", "/me", {
      json: { displayName: "Mallory" },
    });
    assert.equal(anonymous.status, 401);
    // Nothing above changed the name again.
    const after = await call(server, "GET", "/me", { token });
    assert.equal(after.body.displayName, "n".repeat(64));
  });
});

// ------------------------------------------------------------------ logout

Deno.test("POST /auth/logout with a bearer token: 204, and that token stops working at once", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const first = await login(server, "alice");
    const second = await login(server, "alice");
    const out = await call(server, "POST", "/auth/logout", {
      token: first.token,
    });
    assert.equal(out.status, 204);
    assert.equal(out.text, "");
    const cleared = out.headers.getSetCookie()[0] ?? "";
    assert.match(cleared, /^hearth_token=;/);
    assert.equal(cookieAttributes(cleared).get("max-age"), "0");
    assert.equal(cookieAttributes(cleared).get("path"), "/");

    const me = await call(server, "GET", "/me", { token: first.token });
    assert.equal(me.status, 401);
    const asCookie = await call(server, "GET", "/me", { cookie: first.cookie });
    assert.equal(
      asCookie.status,
      401,
      "the same token in a cookie is dead too",
    );
    const twice = await call(server, "POST", "/auth/logout", {
      token: first.token,
    });
    assert.equal(twice.status, 401);
    const patch = await call(server, "PATCH", "/me", {
      token: first.token,
      json: { displayName: "ghost" },
    });
    assert.equal(patch.status, 401);

    // Only that token: the other session lives on.
    const other = await call(server, "GET", "/me", { token: second.token });
    assert.equal(other.status, 200);
    assert.equal(other.body.displayName, "alice");
  });
});

Deno.test("POST /auth/logout with the cookie: 204, and the cookie stops working at once", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const session = await login(server, "alice");
    assert.equal(
      (await call(server, "GET", "/me", { cookie: session.cookie })).status,
      200,
    );
    const out = await call(server, "POST", "/auth/logout", {
      cookie: session.cookie,
      headers: { origin: server.base, "sec-fetch-site": "same-origin" },
    });
    assert.equal(out.status, 204);
    const me = await call(server, "GET", "/me", { cookie: session.cookie });
    assert.equal(me.status, 401);
    const bearer = await call(server, "GET", "/me", { token: session.token });
    assert.equal(bearer.status, 401);
  });
});

Deno.test("POST /auth/logout without a token is 401", async () => {
  await withAuthServer(async (server) => {
    const res = await call(server, "POST", "/auth/logout");
    assert.equal(res.status, 401);
    assert.equal(res.body.code, "unauthorized");
  });
});

// ------------------------------------------------------------------ tokens

Deno.test("tokens: a token crafted with the server's key works, tampered ones do not", async () => {
  await withAuthServer(async (server) => {
    const alice = await register(server, "alice");
    const bob = await register(server, "bob");
    const { token } = await login(server, "alice");
    const key = server.services.signingKey;

    // Control: the test crafts tokens the way the server does.
    const crafted = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(alice.id)
      .setIssuedAt()
      .setExpirationTime("10m")
      .setJti(crypto.randomUUID())
      .sign(key);
    assert.equal(
      (await call(server, "GET", "/me", { token: crafted })).status,
      200,
    );

    const [header, payload, signature] = token.split(".");
    const flipped = signature[5] === "A" ? "B" : "A";
    const badSignature = `${header}.${payload}.${
      signature.slice(0, 5)
    }${flipped}${signature.slice(6)}`;
    const claims = decodeJwt(token);
    const otherSub = `${header}.${
      b64url({ ...claims, sub: bob.id })
    }.${signature}`;
    const longer = `${header}.${
      b64url({ ...claims, exp: claims.exp! + 3600 })
    }.${signature}`;
    const noSignature = `${header}.${payload}.`;
    for (const bad of [badSignature, otherSub, longer, noSignature]) {
      const res = await call(server, "GET", "/me", { token: bad });
      assert.equal(res.status, 401, bad);
      const byCookie = await call(server, "GET", "/me", {
        cookie: `hearth_token=${bad}`,
      });
      assert.equal(byCookie.status, 401);
    }
  });
});

Deno.test("tokens: expired, alg none, HS512/HS384, foreign key or missing claims are refused", async () => {
  await withAuthServer(async (server) => {
    const alice = await register(server, "alice");
    const key = server.services.signingKey;
    const now = nowSeconds();
    const claims = (extra: Record<string, unknown> = {}) => ({
      sub: alice.id,
      jti: crypto.randomUUID(),
      iat: now,
      exp: now + 600,
      ...extra,
    });
    const sign = (
      payload: Record<string, unknown>,
      alg = "HS256",
      secret: Uint8Array = key,
    ) =>
      new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" }).sign(secret);

    assert.equal(
      (await call(server, "GET", "/me", { token: await sign(claims()) }))
        .status,
      200,
    );
    const refused: Record<string, string> = {
      expired: await sign(claims({ iat: now - 7200, exp: now - 3600 })),
      "expired a second ago": await sign(claims({ exp: now - 1 })),
      "alg none": `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims())}.`,
      "alg none, upper case": `${b64url({ alg: "NONE", typ: "JWT" })}.${
        b64url(claims())
      }.`,
      HS512: await sign(claims(), "HS512"),
      HS384: await sign(claims(), "HS384"),
      "foreign key": await sign(
        claims(),
        "HS256",
        crypto.getRandomValues(new Uint8Array(32)),
      ),
      "no exp": await sign({
        sub: alice.id,
        jti: crypto.randomUUID(),
        iat: now,
      }),
      "no jti": await sign({ sub: alice.id, iat: now, exp: now + 600 }),
      "no sub": await sign({
        jti: crypto.randomUUID(),
        iat: now,
        exp: now + 600,
      }),
      "issued in the future": await sign(
        claims({ iat: now + 3600, exp: now + 7200 }),
      ),
      "unknown user": await sign(claims({ sub: crypto.randomUUID() })),
    };
    for (const [name, token] of Object.entries(refused)) {
      const res = await call(server, "GET", "/me", { token });
      assert.equal(res.status, 401, name);
      assert.equal(res.body.code, "unauthorized", name);
      const out = await call(server, "POST", "/auth/logout", { token });
      assert.equal(out.status, 401, `logout with ${name}`);
    }
  });
});

Deno.test("tokens: a token whose user was deleted is refused", async () => {
  await withAuthServer(async (server) => {
    const alice = await register(server, "alice");
    const session = await login(server, "alice");
    assert.equal(
      (await call(server, "GET", "/me", { token: session.token })).status,
      200,
    );
    await server.services.kv.delete(["users", alice.id]);
    for (const opts of [{ token: session.token }, { cookie: session.cookie }]) {
      const res = await call(server, "GET", "/me", opts);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, "unauthorized");
    }
    const patch = await call(server, "PATCH", "/me", {
      token: session.token,
      json: { displayName: "ghost" },
    });
    assert.equal(patch.status, 401);
  });
});

Deno.test("tokens: the generated key is kept in KV, so a restart on the same file keeps sessions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-auth-" });
  const db = `${dir}/hearth.db`;
  try {
    let token = "";
    let key: Uint8Array | null = null;
    await withAuthServer(
      async (server) => {
        await register(server, "alice");
        token = (await login(server, "alice")).token;
        key = server.services.signingKey;
      },
      [],
      { ...FAST, db },
    );
    await withAuthServer(
      async (server) => {
        assert.deepEqual(server.services.signingKey, key);
        const me = await call(server, "GET", "/me", { token });
        assert.equal(me.status, 200);
        assert.equal(me.body.username, "alice");
        // Logging out on this instance revokes it for good, on the same file.
        assert.equal(
          (await call(server, "POST", "/auth/logout", { token })).status,
          204,
        );
      },
      [],
      { ...FAST, db },
    );
    await withAuthServer(
      async (server) => {
        assert.equal((await call(server, "GET", "/me", { token })).status, 401);
      },
      [],
      { ...FAST, db },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tokens: --secret sets the key; changing it ends every session", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-auth-" });
  const db = `${dir}/hearth.db`;
  const secret = "a long enough configured secret";
  try {
    let token = "";
    await withAuthServer(
      async (server) => {
        const expected = new Uint8Array(
          await crypto.subtle.digest(
            "SHA-256",
            new TextEncoder().encode(secret),
          ),
        );
        assert.deepEqual(server.services.signingKey, expected);
        await register(server, "alice");
        token = (await login(server, "alice")).token;
      },
      ["--secret", secret],
      { ...FAST, db },
    );
    await withAuthServer(
      async (server) => {
        assert.equal((await call(server, "GET", "/me", { token })).status, 200);
      },
      ["--secret", secret],
      { ...FAST, db },
    );
    await withAuthServer(
      async (server) => {
        assert.equal((await call(server, "GET", "/me", { token })).status, 401);
      },
      ["--secret", "a different configured secret"],
      { ...FAST, db },
    );
    await withAuthServer(
      async (server) => {
        // Without --secret the generated key applies, and it is not the secret's.
        assert.equal((await call(server, "GET", "/me", { token })).status, 401);
      },
      [],
      { ...FAST, db },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ------------------------------------------------------ cross-site requests

Deno.test("cookie-only unsafe requests from another site are refused with 403", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const session = await login(server, "alice");
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: server.base.replace("127.0.0.1", "localhost") },
      { origin: "https://evil.example", "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const headers of crossSite) {
      const patch = await call(server, "PATCH", "/me", {
        cookie: session.cookie,
        headers,
        json: { displayName: "pwned" },
      });
      assert.equal(patch.status, 403, JSON.stringify(headers));
      assert.equal(patch.body.code, "cross_site");
      const out = await call(server, "POST", "/auth/logout", {
        cookie: session.cookie,
        headers,
      });
      assert.equal(out.status, 403, JSON.stringify(headers));
      assert.deepEqual(out.headers.getSetCookie(), []);
    }
    // Nothing changed and the session still works.
    const me = await call(server, "GET", "/me", { cookie: session.cookie });
    assert.equal(me.status, 200);
    assert.equal(me.body.displayName, "alice");
    // Safe methods are not writes: a cross-site GET is answered.
    const read = await call(server, "GET", "/me", {
      cookie: session.cookie,
      headers: {
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      },
    });
    assert.equal(read.status, 200);
  });
});

Deno.test("cookie-only unsafe requests from the same origin, or none stated, pass", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const session = await login(server, "alice");
    const sameSite: Record<string, string>[] = [
      { origin: server.base },
      { origin: server.base, "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
      {}, // not a browser: curl and scripts send neither header
      // Behind a proxy that reports the public origin.
      {
        origin: "https://chat.example.net",
        "x-forwarded-host": "chat.example.net",
        "x-forwarded-proto": "https",
      },
    ];
    for (const [i, headers] of sameSite.entries()) {
      const patch = await call(server, "PATCH", "/me", {
        cookie: session.cookie,
        headers,
        json: { displayName: `Alice ${i}` },
      });
      assert.equal(patch.status, 200, JSON.stringify(headers));
      assert.equal(patch.body.displayName, `Alice ${i}`);
    }
  }, ["--trust-proxy"]);
});

Deno.test("--origin adds allowed origins for cookie-only requests", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const session = await login(server, "alice");
    for (
      const origin of ["https://chat.example.org", "http://localhost:5173"]
    ) {
      const patch = await call(server, "PATCH", "/me", {
        cookie: session.cookie,
        headers: { origin, "sec-fetch-site": "cross-site" },
        json: { displayName: origin },
      });
      assert.equal(patch.status, 200, origin);
    }
    for (
      const origin of [
        "https://evil.example",
        "http://chat.example.org",
        "https://chat.example.org.evil.example",
      ]
    ) {
      const patch = await call(server, "PATCH", "/me", {
        cookie: session.cookie,
        headers: { origin },
        json: { displayName: "pwned" },
      });
      assert.equal(patch.status, 403, origin);
    }
    const out = await call(server, "POST", "/auth/logout", {
      cookie: session.cookie,
      headers: { origin: "https://chat.example.org" },
    });
    assert.equal(out.status, 204);
  }, [
    "--origin",
    "https://chat.example.org",
    "--origin",
    "http://localhost:5173/",
  ]);
});

Deno.test("bearer requests are not subject to the origin check", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const session = await login(server, "alice");
    const headers = {
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    };
    const patch = await call(server, "PATCH", "/me", {
      token: session.token,
      headers,
      json: { displayName: "From a native app" },
    });
    assert.equal(patch.status, 200);
    // A bearer header wins over the cookie, so the check does not apply either.
    const both = await call(server, "PATCH", "/me", {
      token: session.token,
      cookie: session.cookie,
      headers,
      json: { displayName: "Both" },
    });
    assert.equal(both.status, 200);
    const out = await call(server, "POST", "/auth/logout", {
      token: session.token,
      headers,
    });
    assert.equal(out.status, 204);
  });
});

// ------------------------------------------------------------- rate limits

Deno.test("rate limit: failed logins per (address, username) end in 429 with Retry-After", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    await register(server, "bob");
    const attempt = (username: string, password = "wrong password") =>
      call(server, "POST", "/auth/login", { json: { username, password } });
    for (let i = 0; i < 10; i++) {
      assert.equal((await attempt("alice")).status, 401, `attempt ${i + 1}`);
    }
    const limited = await attempt("alice");
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 900,
      `Retry-After ${limited.headers.get("retry-after")}`,
    );
    assert.match(limited.body.detail, new RegExp(`${retryAfter} second`));
    // Case does not open a fresh counter, and the right password is not
    // checked while limited (otherwise the limit would still leak it).
    assert.equal((await attempt("ALICE")).status, 429);
    assert.equal((await attempt("alice", PASSWORD)).status, 429);
    // Form logins count against the same limit.
    const form = await call(server, "POST", "/auth/login", {
      form: { username: "alice", password: PASSWORD },
    });
    assert.equal(form.status, 429);
    // Someone else on the same address signs in as usual.
    await login(server, "bob");
    assert.equal((await attempt("bob")).status, 401);
    // Registration is a separate limit.
    await register(server, "carol");
  });
});

Deno.test("rate limit: behind a trusted proxy each X-Forwarded-For address has its own budget", async () => {
  const attempt = (server: TestServer, from: string) =>
    call(server, "POST", "/auth/login", {
      json: { username: "alice", password: "wrong password" },
      // A client may prepend anything; the proxy appends the address it saw.
      headers: { "x-forwarded-for": `10.9.9.9, ${from}` },
    });
  await withAuthServer(async (server) => {
    await register(server, "alice");
    for (let i = 0; i < 10; i++) {
      assert.equal((await attempt(server, "203.0.113.1")).status, 401);
    }
    assert.equal((await attempt(server, "203.0.113.1")).status, 429);
    // Another client behind the same proxy is not held back by the first.
    assert.equal((await attempt(server, "203.0.113.2")).status, 401);
  }, ["--trust-proxy"]);
  // Without the flag the header is the client's own claim and changes nothing.
  await withAuthServer(async (server) => {
    await register(server, "alice");
    for (let i = 0; i < 10; i++) {
      assert.equal((await attempt(server, `203.0.113.${i}`)).status, 401);
    }
    assert.equal((await attempt(server, "203.0.113.99")).status, 429);
  });
});

Deno.test("rate limit: a parallel burst of wrong passwords cannot slip past the limit", async () => {
  await withAuthServer(async (server) => {
    await register(server, "alice");
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(server, "POST", "/auth/login", {
          json: { username: "alice", password: "wrong password" },
        })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 401).length, 10);
    assert.equal(statuses.filter((s) => s === 429).length, 10);
    for (const r of results.filter((r) => r.status === 429)) {
      assert.ok(Number(r.headers.get("retry-after")) >= 1);
    }
  });
});

Deno.test("rate limit: a household's normal use is never refused", async () => {
  await withAuthServer(async (server) => {
    // A family behind one address: several accounts, a few typos each.
    const family = ["mum", "dad", "kid.one", "kid.two", "gran"];
    for (const name of family) await register(server, name);
    for (let round = 0; round < 3; round++) {
      for (const name of family) {
        for (let typo = 0; typo < 3; typo++) {
          const res = await call(server, "POST", "/auth/login", {
            json: { username: name, password: "wrong password" },
          });
          assert.equal(res.status, 401);
        }
        await login(server, name);
      }
    }
    // Nine mistakes, a success, nine more: a success clears the count.
    for (let i = 0; i < 9; i++) {
      const res = await call(server, "POST", "/auth/login", {
        json: { username: "dad", password: "wrong password" },
      });
      assert.equal(res.status, 401);
    }
    await login(server, "dad");
    for (let i = 0; i < 9; i++) {
      const res = await call(server, "POST", "/auth/login", {
        json: { username: "dad", password: "wrong password" },
      });
      assert.equal(res.status, 401);
    }
    await login(server, "dad");
    // Successful logins are never limited.
    for (let i = 0; i < 30; i++) await login(server, "mum");
  });
});

Deno.test("rate limit: registrations per address, generous for a household, then 429 with Retry-After", async () => {
  await withAuthServer(async (server) => {
    // Fifty from one address: far more than a family or club signs up at once.
    const names = Array.from({ length: 50 }, (_, i) => `member${i}`);
    for (let i = 0; i < names.length; i += 10) {
      const batch = await Promise.all(
        names.slice(i, i + 10).map((username) =>
          call(server, "POST", "/auth/register", {
            json: { username, password: PASSWORD },
          })
        ),
      );
      for (const res of batch) assert.equal(res.status, 201, res.text);
    }
    const limited = await call(server, "POST", "/auth/register", {
      json: { username: "one.too.many", password: PASSWORD },
    });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600,
      `Retry-After ${limited.headers.get("retry-after")}`,
    );
    // The refused registration created nothing, and logins are a separate limit.
    const login401 = await call(server, "POST", "/auth/login", {
      json: { username: "one.too.many", password: PASSWORD },
    });
    assert.equal(login401.status, 401);
    await login(server, "member0");
  });
});

// ------------------------------------------------------------ the contract

Deno.test("every error is {detail, code} JSON, including unknown methods", async () => {
  await withAuthServer(async (server) => {
    const wrongMethod = await call(server, "GET", "/auth/login");
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers.get("allow") ?? "", /POST/);
    const del = await call(server, "DELETE", "/me");
    assert.equal(del.status, 405);
    const put = await call(server, "PUT", "/auth/register", {
      json: { username: "alice", password: PASSWORD },
    });
    assert.equal(put.status, 405);
  });
});

Deno.test("no response in a full account flow carries a password or a hash", async () => {
  await withAuthServer(async (server) => {
    // `call` checks every body for "passwordHash" and "$2"; this walks the
    // whole flow, including answers that echo input, to be sure of it.
    const seen: string[] = [];
    const record = async (p: Promise<Reply>) => {
      const res = await p;
      seen.push(res.text);
      return res;
    };
    await record(call(server, "POST", "/auth/register", {
      json: { username: "alice", password: PASSWORD, displayName: "Alice" },
    }));
    await record(call(server, "POST", "/auth/register", {
      json: { username: "alice", password: PASSWORD },
    }));
    const signed = await record(call(server, "POST", "/auth/login", {
      json: { username: "alice", password: PASSWORD },
    }));
    await record(call(server, "POST", "/auth/login", {
      form: { username: "alice", password: PASSWORD },
    }));
    await record(call(server, "POST", "/auth/login", {
      json: { username: "alice", password: "wrong password" },
    }));
    const token = signed.body.access_token;
    await record(call(server, "GET", "/me", { token }));
    await record(call(server, "PATCH", "/me", {
      token,
      json: { displayName: "Alice L." },
    }));
    await record(call(server, "POST", "/auth/logout", { token }));
    for (const text of seen) {
      assert.ok(!text.includes(PASSWORD), text);
      assert.ok(!text.includes("passwordHash"), text);
      assert.ok(!text.includes("$2"), text);
    }
  });
});

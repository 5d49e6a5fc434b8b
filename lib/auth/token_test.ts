import assert from "node:assert/strict";
import fc from "fast-check";
import { jwtVerify, SignJWT } from "jose";
import { MIN_KEY_BYTES, signToken, verifyToken } from "./token.ts";

const key = crypto.getRandomValues(new Uint8Array(32));
const now = () => Math.floor(Date.now() / 1000);

function b64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function claims(extra: Record<string, unknown> = {}) {
  return {
    sub: "user-1",
    jti: crypto.randomUUID(),
    iat: now(),
    exp: now() + 600,
    ...extra,
  };
}

/** Signs arbitrary claims with `alg` and `secret`, for forging test tokens. */
function sign(
  payload: Record<string, unknown>,
  alg = "HS256",
  secret: Uint8Array = key,
  header: Record<string, unknown> = { typ: "JWT" },
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(
    secret,
  );
}

Deno.test("signToken() makes a token that verifyToken() accepts", async () => {
  const before = now();
  const { token, jti, exp } = await signToken(key, "user-1", 3600);
  assert.match(
    jti,
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  const verified = await verifyToken(key, token);
  assert.ok(verified);
  assert.equal(verified.sub, "user-1");
  assert.equal(verified.jti, jti);
  assert.equal(verified.exp, exp);
  assert.equal(verified.exp - verified.iat, 3600);
  assert.ok(verified.iat >= before && verified.iat <= now());
  const header = JSON.parse(atob(token.split(".")[0]));
  assert.deepEqual(header, { alg: "HS256", typ: "JWT" });
});

Deno.test("signToken() gives each token a different jti", async () => {
  const a = await signToken(key, "user-1", 60);
  const b = await signToken(key, "user-1", 60);
  assert.notEqual(a.jti, b.jti);
  assert.notEqual(a.token, b.token);
});

Deno.test("signToken() refuses a short key, a bad lifetime and an empty user id", async () => {
  await assert.rejects(signToken(new Uint8Array(16), "u", 60), RangeError);
  await assert.rejects(signToken(key, "u", 0), RangeError);
  await assert.rejects(signToken(key, "u", 1.5), RangeError);
  await assert.rejects(signToken(key, "", 60), RangeError);
});

Deno.test("verifyToken() returns null for alg none", async () => {
  const payload = b64url(claims());
  assert.equal(
    await verifyToken(key, `${b64url({ alg: "none" })}.${payload}.`),
    null,
  );
  assert.equal(
    await verifyToken(key, `${b64url({ alg: "none", typ: "JWT" })}.${payload}`),
    null,
  );
  // A none-token that keeps a genuine HS256 signature must fail as well.
  const { token } = await signToken(key, "user-1", 60);
  const [, body, signature] = token.split(".");
  assert.equal(
    await verifyToken(key, `${b64url({ alg: "none" })}.${body}.${signature}`),
    null,
  );
});

Deno.test("verifyToken() returns null for algorithms other than HS256", async () => {
  assert.ok(await verifyToken(key, await sign(claims(), "HS256")));
  for (const alg of ["HS384", "HS512"]) {
    const token = await sign(claims(), alg);
    assert.equal(await verifyToken(key, token), null, alg);
  }
  // The HS256 signature relabelled as another algorithm.
  const { token } = await signToken(key, "user-1", 60);
  const [, body, signature] = token.split(".");
  for (const alg of ["HS512", "RS256", "ES256", "hs256"]) {
    const forged = `${b64url({ alg, typ: "JWT" })}.${body}.${signature}`;
    assert.equal(await verifyToken(key, forged), null, alg);
  }
});

Deno.test("verifyToken() returns null for a bad signature", async () => {
  const otherKey = crypto.getRandomValues(new Uint8Array(32));
  assert.equal(
    await verifyToken(key, await sign(claims(), "HS256", otherKey)),
    null,
  );

  const { token } = await signToken(key, "user-1", 60);
  const [header, , signature] = token.split(".");
  const tampered = `${header}.${b64url(claims({ sub: "admin" }))}.${signature}`;
  assert.equal(await verifyToken(key, tampered), null);
  const flipped = signature[0] === "A" ? "B" : "A";
  assert.equal(
    await verifyToken(
      key,
      token.slice(0, -signature.length) + flipped + signature.slice(1),
    ),
    null,
  );
  assert.equal(await verifyToken(key, token.slice(0, -signature.length)), null);
});

Deno.test("verifyToken() returns null for an expired token", async () => {
  const expired = await sign(claims({ iat: now() - 120, exp: now() - 60 }));
  assert.equal(await verifyToken(key, expired), null);
  const expiringNow = await sign(claims({ iat: now() - 60, exp: now() }));
  assert.equal(await verifyToken(key, expiringNow), null);
});

Deno.test("verifyToken() returns null for a token not yet valid or issued in the future", async () => {
  assert.equal(
    await verifyToken(key, await sign(claims({ nbf: now() + 600 }))),
    null,
  );
  assert.equal(
    await verifyToken(
      key,
      await sign(claims({ iat: now() + 600, exp: now() + 1200 })),
    ),
    null,
  );
});

Deno.test("verifyToken() returns null for malformed tokens", async () => {
  const { token } = await signToken(key, "user-1", 60);
  const [header, body, signature] = token.split(".");
  const malformed = [
    "",
    "garbage",
    "a.b",
    "a.b.c",
    "...",
    `${token}.extra`,
    `${header}.${body}`,
    `!!!.${body}.${signature}`,
    `${btoa("not json")}.${body}.${signature}`,
    `${header}.${btoa("not json")}.${signature}`,
    `${header}.${b64url([1, 2])}.${signature}`,
    `Bearer ${token}`,
    "x".repeat(10_000),
  ];
  for (const bad of malformed) {
    assert.equal(await verifyToken(key, bad), null, bad.slice(0, 40));
  }
  assert.equal(await verifyToken(key, undefined as unknown as string), null);
});

Deno.test("verifyToken() returns null when a claim is missing or of the wrong type", async () => {
  // The forging helper itself makes tokens that verify when nothing is off.
  assert.ok(await verifyToken(key, await sign(claims())));
  for (const claim of ["sub", "jti", "exp", "iat"]) {
    const payload: Record<string, unknown> = claims();
    delete payload[claim];
    assert.equal(
      await verifyToken(key, await sign(payload)),
      null,
      `no ${claim}`,
    );
  }
  const wrong: Record<string, unknown>[] = [
    { sub: 42 },
    { sub: "" },
    { jti: 42 },
    { jti: "" },
    { exp: "tomorrow" },
    { iat: "today" },
  ];
  for (const extra of wrong) {
    const token = await sign(claims(extra));
    assert.equal(await verifyToken(key, token), null, JSON.stringify(extra));
  }
});

Deno.test("verifyToken() returns null for a key shorter than signing allows", async () => {
  const { token } = await signToken(key, "user-1", 60);
  assert.equal(await verifyToken(new Uint8Array(0), token), null);
  const short = key.slice(0, MIN_KEY_BYTES - 1);
  assert.equal(
    await verifyToken(short, await sign(claims(), "HS256", short)),
    null,
  );
});

/** Signs `header.payload` as given, byte for byte, with the test key. */
async function forge(header: string, payload: string): Promise<string> {
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    hmacKey,
    new TextEncoder().encode(`${header}.${payload}`),
  );
  const signature = new Uint8Array(mac).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
  return `${header}.${payload}.${signature}`;
}

Deno.test("verifyToken() returns null for a token under any header but the one Hearth signs", async () => {
  const payload = b64url(claims());
  assert.ok(
    await verifyToken(
      key,
      await forge(b64url({ alg: "HS256", typ: "JWT" }), payload),
    ),
    "the forging helper makes tokens that verify under Hearth's header",
  );
  // Each is validly signed with the key: only the header differs.
  const headers: Record<string, unknown>[] = [
    { alg: "HS256" },
    { alg: "HS256", typ: "JWT", kid: "1" },
    { alg: "HS256", typ: "at+jwt" },
    { alg: "HS256", typ: "JWT", crit: ["exp"], exp: 1 },
    { alg: "HS256", typ: "JWT", b64: false, crit: ["b64"] },
    // The same fields in another order are another byte string.
    { typ: "JWT", alg: "HS256" },
  ];
  for (const header of headers) {
    const token = await forge(b64url(header), payload);
    assert.equal(await verifyToken(key, token), null, JSON.stringify(header));
  }
});

Deno.test("verifyToken() returns null for a signature that differs only in its last character's unused bits", async () => {
  const { token } = await signToken(key, "user-1", 60);
  assert.ok(await verifyToken(key, token));
  // 32 bytes take 43 characters: the last carries 4 bits and 2 unused ones.
  const alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(token.at(-1)!);
  assert.equal(last % 4, 0, "a canonical signature leaves them zero");
  const twin = token.slice(0, -1) + alphabet[last + 1];
  assert.deepEqual(
    Uint8Array.fromBase64(twin.split(".")[2], { alphabet: "base64url" }),
    Uint8Array.fromBase64(token.split(".")[2], { alphabet: "base64url" }),
    "both decode to the same bytes",
  );
  assert.equal(await verifyToken(key, twin), null);
});

Deno.test("verifyToken() agrees with jose's jwtVerify on tokens Hearth's header could carry", async () => {
  const t = now();
  const claim = (values: fc.Arbitrary<unknown>) =>
    fc.option(values, { nil: undefined });
  const time = fc.integer({ min: t - 1000, max: t + 1000 });
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        sub: claim(fc.oneof(fc.string({ maxLength: 4 }), fc.integer())),
        jti: claim(fc.oneof(fc.string({ maxLength: 4 }), fc.boolean())),
        exp: claim(fc.oneof(time, fc.constant("soon"))),
        iat: claim(fc.oneof(time, fc.constant(null))),
        nbf: claim(fc.oneof(time, fc.constant("now"))),
      }, { requiredKeys: [] }),
      fc.boolean(),
      async (drawn, otherKey) => {
        const payload = Object.fromEntries(
          Object.entries(drawn).filter(([, value]) => value !== undefined),
        );
        const secret = otherKey ? key.map((byte) => byte ^ 1) : key;
        const token = await sign(payload, "HS256", secret);
        const ours = await verifyToken(key, token);
        // jose with the same pinning, plus the rules it leaves to callers:
        // non-empty string ids and an issue time not far ahead of the clock.
        const theirs = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          requiredClaims: ["sub", "jti", "exp", "iat"],
        }).then(({ payload }) =>
          typeof payload.sub === "string" && payload.sub !== "" &&
          typeof payload.jti === "string" && payload.jti !== "" &&
          payload.iat! <= now() + 60
        ).catch(() => false);
        assert.equal(ours !== null, theirs, JSON.stringify(payload));
      },
    ),
    { numRuns: 300 },
  );
});

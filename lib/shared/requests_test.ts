import assert from "node:assert/strict";
import { loginBody, profileBody, registerBody } from "./requests.ts";

function messages(result: { success: boolean; error?: unknown }) {
  assert.equal(result.success, false);
  const error = result.error as {
    issues: { path: PropertyKey[]; message: string }[];
  };
  return Object.fromEntries(
    error.issues.map((i) => [i.path.join("."), i.message]),
  );
}

Deno.test("registerBody accepts a valid body, keeps username case and trims displayName", () => {
  const body = registerBody.parse({
    username: "Ada.Lovelace_1-x",
    password: "analytical engine",
    displayName: "  Ada  ",
  });
  assert.deepEqual(body, {
    username: "Ada.Lovelace_1-x",
    password: "analytical engine",
    displayName: "Ada",
  });
  assert.deepEqual(
    registerBody.parse({ username: "ada", password: "12345678" }),
    { username: "ada", password: "12345678" },
  );
});

Deno.test("registerBody names the field in every message", () => {
  assert.deepEqual(messages(registerBody.safeParse({})), {
    username: "Username is required",
    password: "Password is required",
  });
  assert.deepEqual(
    messages(
      registerBody.safeParse({ username: 7, password: [], displayName: 1 }),
    ),
    {
      username: "Username must be a string",
      password: "Password must be a string",
      displayName: "Display name must be a string",
    },
  );
  assert.deepEqual(
    messages(registerBody.safeParse({ username: "ab", password: "short" })),
    {
      username: "Username must be at least 3 characters",
      password: "Password must be at least 8 characters",
    },
  );
});

Deno.test("registerBody rejects usernames outside 3 to 32 of a-z 0-9 _ . -", () => {
  const password = "long enough";
  for (
    const username of ["a b", "bob!", "bö b", "名前名前", "a".repeat(33), ""]
  ) {
    const result = registerBody.safeParse({ username, password });
    assert.equal(result.success, false, username);
  }
  for (const username of ["abc", "A.B", "x_y-z", "a".repeat(32), "123"]) {
    assert.equal(
      registerBody.safeParse({ username, password }).success,
      true,
      username,
    );
  }
});

Deno.test("registerBody counts password length in characters and bytes", () => {
  const ok = (password: string) =>
    registerBody.safeParse({ username: "ada", password }).success;
  assert.equal(ok("1234567"), false);
  assert.equal(ok("12345678"), true);
  // Eight characters, but sixteen UTF-16 units and 32 bytes.
  assert.equal(ok("🔥".repeat(8)), true);
  assert.equal(ok("🔥".repeat(7)), false);
  assert.equal(ok("a".repeat(72)), true);
  assert.equal(ok("a".repeat(73)), false);
  // 24 characters but 72 bytes is fine; one more character is 75 bytes.
  assert.equal(ok("€".repeat(24)), true);
  assert.deepEqual(
    messages(
      registerBody.safeParse({ username: "ada", password: "€".repeat(25) }),
    ),
    { password: "Password must be at most 72 bytes in UTF-8" },
  );
  assert.deepEqual(
    messages(
      registerBody.safeParse({ username: "ada", password: "\ud800abcdefgh" }),
    ),
    { password: "Password contains invalid characters" },
  );
});

Deno.test("registerBody normalises passwords to NFC", () => {
  const decomposed = "cafe\u0301 au lait";
  const body = registerBody.parse({ username: "ada", password: decomposed });
  assert.equal(body.password, "caf\u00e9 au lait");
});

Deno.test("registerBody checks displayName after trimming", () => {
  const parse = (displayName: unknown) =>
    registerBody.safeParse({
      username: "ada",
      password: "12345678",
      displayName,
    });
  assert.deepEqual(messages(parse("   ")), {
    displayName: "Display name must not be empty",
  });
  assert.deepEqual(messages(parse("x".repeat(65))), {
    displayName: "Display name must be at most 64 characters",
  });
  assert.equal(parse(` ${"x".repeat(64)} `).success, true);
  assert.equal(parse("🔥".repeat(64)).success, true);
  assert.deepEqual(messages(parse("a\nb")), {
    displayName:
      "Display name must not contain control or invisible characters",
  });
  assert.equal(parse("a\u202eb").success, false);
});

Deno.test("registerBody rejects a body that is not an object", () => {
  for (const body of [null, "x", 1, [], undefined]) {
    assert.deepEqual(messages(registerBody.safeParse(body)), {
      "": "Request body must be a JSON object",
    });
  }
});

Deno.test("loginBody accepts form fields and drops extras", () => {
  const form = new URLSearchParams({
    grant_type: "password",
    username: "Ada",
    password: "x",
  });
  assert.deepEqual(loginBody.parse(Object.fromEntries(form)), {
    username: "Ada",
    password: "x",
  });
});

Deno.test("loginBody rejects an empty or over-long password", () => {
  assert.deepEqual(
    messages(loginBody.safeParse({ username: "ada", password: "" })),
    { password: "Password is required" },
  );
  assert.deepEqual(
    messages(
      loginBody.safeParse({ username: "ada", password: "a".repeat(73) }),
    ),
    { password: "Password must be at most 72 bytes in UTF-8" },
  );
});

Deno.test("profileBody checks displayName as registration does, and needs a field", () => {
  assert.deepEqual(profileBody.parse({ displayName: "  Ada  " }), {
    displayName: "Ada",
  });
  for (
    const displayName of ["", "  ", "x".repeat(65), "a\u202eb", "a\u0085b"]
  ) {
    const result = profileBody.safeParse({ displayName });
    assert.ok("displayName" in messages(result), JSON.stringify(displayName));
  }
  assert.deepEqual(messages(profileBody.safeParse({})), {
    "": "Send a displayName, a status, or both",
  });
  assert.deepEqual(profileBody.parse({ status: "  away  " }), {
    status: "away",
  });
});

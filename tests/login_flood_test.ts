/**
 * Failed-login floods against a real server: one address guessing at many
 * usernames runs out of its own budget, a flood beyond the hashing queue is
 * shed at once, and real users still sign in.
 */
import assert from "node:assert/strict";
import { request, signUp, withHearth } from "./helpers/api.ts";
import { LOGIN_FAILURES_PER_ADDRESS } from "../lib/auth/rate_limit.ts";

const PASSWORD = "correct horse battery";
const BUDGET = LOGIN_FAILURES_PER_ADDRESS.limit;

/** A login attempt, from `from` as a trusted proxy would report it. */
function login(
  base: string,
  username: string,
  password: string,
  from?: string,
) {
  return request(base, "POST", "/auth/login", {
    json: { username, password },
    headers: from === undefined ? {} : { "x-forwarded-for": from },
  });
}

Deno.test("login flood: many unknown usernames from one address end in 429 with Retry-After", async () => {
  await withHearth(async ({ base }) => {
    const alice = await signUp(base, "alice", PASSWORD);
    const attacker = "203.0.113.7";
    // Successful logins from that address do not use up its budget.
    for (let i = 0; i < 20; i++) {
      assert.equal(
        (await login(base, alice.username, PASSWORD, attacker)).status,
        200,
      );
    }
    // One guess per username: the per-username limit never trips.
    for (let i = 0; i < BUDGET; i += 10) {
      const batch = await Promise.all(
        Array.from(
          { length: 10 },
          (_, j) => login(base, `nobody${i + j}`, "wrong password", attacker),
        ),
      );
      for (const res of batch) assert.equal(res.status, 401, `guess ${i}`);
    }
    const limited = await login(
      base,
      "nobody.more",
      "wrong password",
      attacker,
    );
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 900,
      `Retry-After ${limited.headers.get("retry-after")}`,
    );
    // A success does not wipe the failures: the address stays limited.
    assert.equal((await login(base, "alice", PASSWORD, attacker)).status, 429);
    assert.equal(
      (await login(base, "nobody.again", "wrong password", attacker)).status,
      429,
    );
    // Another address is not held back by the first.
    assert.equal(
      (await login(base, "nobody.else", "wrong password", "198.51.100.1"))
        .status,
      401,
    );
    assert.equal(
      (await login(base, "alice", PASSWORD, "198.51.100.1")).status,
      200,
    );
  }, ["--trust-proxy"]);
});

Deno.test("login flood: 120 parallel unknown usernames from one address get at most the budget's hashes", async () => {
  await withHearth(async ({ base }) => {
    const results = await Promise.all(
      Array.from(
        { length: 120 },
        (_, i) => login(base, `ghost${i}`, "wrong password"),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 401 || s === 429 || s === 503),
      `statuses ${statuses}`,
    );
    assert.ok(statuses.filter((s) => s === 401).length <= BUDGET);
    assert.ok(statuses.filter((s) => s === 429).length >= 120 - BUDGET);
    for (const r of results.filter((r) => r.status !== 401)) {
      assert.ok(Number(r.headers.get("retry-after")) >= 1);
    }
  });
});

Deno.test("login flood: beyond the hashing queue is shed with 503 and Retry-After, and a real user signs in right after", async () => {
  // Slower hashes than the other suites' so the flood outruns the workers;
  // a queue of two is what the test can fill reliably.
  await withHearth(
    async (server) => {
      const { base } = server;
      await signUp(base, "alice", PASSWORD);
      // Spread over many addresses, so no rate limit is what refuses them.
      const results = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) =>
            login(base, `ghost${i}`, "wrong password", `203.0.113.${i + 1}`),
        ),
      );
      const shed = results.filter((r) => r.status === 503);
      const checked = results.filter((r) => r.status === 401);
      assert.equal(
        shed.length + checked.length,
        40,
        `${results.map((r) => r.status)}`,
      );
      assert.ok(shed.length >= 10, `only ${shed.length} of 40 shed`);
      // At most the two running and the two waiting ever reached bcrypt at once.
      assert.ok(checked.length >= 1);
      for (const res of shed) {
        assert.equal(res.body.code, "busy");
        assert.doesNotMatch(res.body.detail, /request id/);
        assert.ok(Number(res.headers.get("retry-after")) >= 1);
      }
      assert.ok(server.services.hasher.stats.queued <= 2);
      // The flood is over: a real user signs in at once.
      const started = performance.now();
      assert.equal(
        (await login(base, "alice", PASSWORD, "198.51.100.1")).status,
        200,
      );
      assert.ok(performance.now() - started < 5000);
    },
    ["--trust-proxy"],
    { passwordCost: 10, passwordQueueLimit: 2 },
  );
});

Deno.test("login flood: while the hashing queue is full, logins and registrations get 503 at once, never wait", async () => {
  await withHearth(
    async (server) => {
      const { base, services } = server;
      await signUp(base, "alice", PASSWORD);
      // Fill both workers and the queue with slow comparisons (cost 14, about
      // a second each), so the queue stays full while the requests are made.
      const slow = "$2b$14$" + "a".repeat(53);
      const occupying = Array.from(
        { length: 4 },
        () => services.hasher.verify("a password", slow),
      );
      // Settled from the start, so a failing assertion below leaves no
      // unhandled rejection when shutdown closes the hasher.
      const settled = Promise.allSettled(occupying);
      assert.deepEqual(services.hasher.stats, {
        workers: 2,
        busy: 2,
        queued: 2,
      });
      const started = performance.now();
      const loginRes = await login(base, "alice", PASSWORD);
      const unknown = await login(base, "nobody", "wrong password");
      const registered = await request(base, "POST", "/auth/register", {
        json: { username: "latecomer", password: PASSWORD },
      });
      const took = performance.now() - started;
      for (const res of [loginRes, unknown, registered]) {
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.code, "busy");
        assert.equal(res.headers.get("retry-after"), "2");
      }
      assert.equal(services.hasher.stats.busy, 2, "slow jobs ended too soon");
      assert.ok(took < 1000, `refusals took ${took} ms`);
      await settled;
      // The refused registration created nothing; now both go through.
      assert.equal((await login(base, "latecomer", PASSWORD)).status, 401);
      await signUp(base, "latecomer", PASSWORD);
      assert.equal((await login(base, "alice", PASSWORD)).status, 200);
    },
    [],
    { passwordQueueLimit: 2 },
  );
});

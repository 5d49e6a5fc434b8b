import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import {
  clientAddressKey,
  LOGIN_FAILURES,
  LOGIN_FAILURES_PER_ADDRESS,
  loginAttemptKey,
  RateLimiter,
  REGISTRATIONS,
  tooManyRequests,
} from "./rate_limit.ts";

/** A clock tests move by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

Deno.test("RateLimiter.hit() allows hits up to the limit", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 3,
    windowMs: 60_000,
    now: clock.now,
  });
  const remaining = [];
  for (let i = 0; i < 3; i++) {
    const result = await limiter.hit("k");
    assert.equal(result.ok, true);
    assert.equal(result.retryAfterSeconds, 0);
    remaining.push(result.remaining);
  }
  assert.deepEqual(remaining, [2, 1, 0]);
});

Deno.test("RateLimiter.hit() refuses past the limit with a positive retryAfter", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, { ...LOGIN_FAILURES, now: clock.now });
  for (let i = 0; i < 10; i++) assert.equal((await limiter.hit("k")).ok, true);
  const refused = await limiter.hit("k");
  assert.deepEqual(refused, { ok: false, retryAfterSeconds: 90, remaining: 0 });
  // Refused hits are not recorded, so asking again does not push the wait out.
  clock.advance(30_000);
  assert.equal((await limiter.hit("k")).retryAfterSeconds, 60);
  assert.equal((await limiter.hit("k")).retryAfterSeconds, 60);
  clock.advance(59_000);
  assert.deepEqual(await limiter.hit("k"), {
    ok: false,
    retryAfterSeconds: 1,
    remaining: 0,
  });
  clock.advance(1_000);
  assert.equal((await limiter.hit("k")).ok, true);
  assert.equal((await limiter.hit("k")).ok, false);
});

Deno.test("RateLimiter allows a full burst again once the window has passed", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 5,
    windowMs: 1_000,
    now: clock.now,
  });
  for (let i = 0; i < 5; i++) await limiter.hit("k");
  assert.equal((await limiter.hit("k")).ok, false);
  clock.advance(1_000);
  for (let i = 0; i < 5; i++) assert.equal((await limiter.hit("k")).ok, true);
  assert.equal((await limiter.hit("k")).ok, false);
});

Deno.test("RateLimiter allows a burst of the limit, then one hit per refill interval", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limit = 7;
  const windowMs = 3_000;
  const interval = windowMs / limit;
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit,
    windowMs,
    now: clock.now,
  });
  // One attempt every 50 ms for a minute.
  const allowedAt: number[] = [];
  for (let t = 0; t < 60_000; t += 50) {
    if ((await limiter.hit("k")).ok) allowedAt.push(t);
    clock.advance(50);
  }
  assert.deepEqual(allowedAt.slice(0, limit), [0, 50, 100, 150, 200, 250, 300]);
  assert.equal(allowedAt.length, limit + Math.floor(59_950 / interval));
  // Between any two allowed hits, no more than a burst plus the refills.
  for (let i = 0; i < allowedAt.length; i++) {
    for (let j = i; j < allowedAt.length; j++) {
      const span = allowedAt[j] - allowedAt[i];
      assert.ok(j - i + 1 <= limit + Math.floor(span / interval));
    }
  }
});

Deno.test("RateLimiter works with the real clock and short waits", async () => {
  using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv, { name: "t", limit: 2, windowMs: 200 });
  assert.equal((await limiter.hit("k")).ok, true);
  assert.equal((await limiter.hit("k")).ok, true);
  const refused = await limiter.hit("k");
  assert.equal(refused.ok, false);
  assert.equal(refused.retryAfterSeconds, 1);
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal((await limiter.hit("k")).ok, true);
  assert.equal((await limiter.hit("k")).ok, true);
});

Deno.test("RateLimiter.check() reports without recording a hit", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 2,
    windowMs: 60_000,
    now: clock.now,
  });
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await limiter.check("k"), {
      ok: true,
      retryAfterSeconds: 0,
      remaining: 1,
    });
  }
  await limiter.hit("k");
  await limiter.hit("k");
  assert.deepEqual(await limiter.check("k"), {
    ok: false,
    retryAfterSeconds: 30,
    remaining: 0,
  });
});

Deno.test("RateLimiter.reset() forgets the hits for one key", async () => {
  using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 1,
    windowMs: 60_000,
  });
  await limiter.hit("a");
  await limiter.hit("b");
  assert.equal((await limiter.hit("a")).ok, false);
  await limiter.reset("a");
  assert.equal((await limiter.hit("a")).ok, true);
  assert.equal((await limiter.hit("b")).ok, false);
});

Deno.test("RateLimiter.refund() gives back one hit and no more", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 3,
    windowMs: 60_000,
    now: clock.now,
  });
  for (let i = 0; i < 3; i++) assert.equal((await limiter.hit("a")).ok, true);
  assert.equal((await limiter.hit("a")).ok, false);
  await limiter.refund("a");
  assert.equal((await limiter.hit("a")).ok, true);
  assert.equal((await limiter.hit("a")).ok, false);
  // Refunds never push a key past its full allowance.
  for (let i = 0; i < 10; i++) await limiter.refund("a");
  assert.equal((await limiter.check("a")).remaining, 2);
  await limiter.refund("never hit");
  assert.equal((await limiter.check("never hit")).remaining, 2);
});

Deno.test("RateLimiter keeps keys and named limits apart", async () => {
  using kv = await Deno.openKv(":memory:");
  const one = new RateLimiter(kv, { name: "one", limit: 1, windowMs: 60_000 });
  const two = new RateLimiter(kv, { name: "two", limit: 1, windowMs: 60_000 });
  assert.equal((await one.hit("k")).ok, true);
  assert.equal((await one.hit("k")).ok, false);
  assert.equal((await one.hit("other")).ok, true);
  assert.equal((await two.hit("k")).ok, true);
});

Deno.test("RateLimiter.hit() counts exactly 20 of 20 parallel hits", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 25,
    windowMs: 60_000,
    now: clock.now,
  });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => limiter.hit("k")),
  );
  assert.ok(results.every((r) => r.ok));
  assert.deepEqual(
    results.map((r) => r.remaining).sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i + 5),
  );
  assert.equal((await limiter.check("k")).remaining, 4);
});

Deno.test("RateLimiter.hit() lets exactly the limit through a parallel burst", async () => {
  using kv = await Deno.openKv(":memory:");
  const clock = fakeClock();
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 20,
    windowMs: 60_000,
    now: clock.now,
  });
  const results = await Promise.all(
    Array.from({ length: 30 }, () => limiter.hit("k")),
  );
  assert.equal(results.filter((r) => r.ok).length, 20);
  assert.ok(results.filter((r) => !r.ok).every((r) => r.retryAfterSeconds > 0));
});

Deno.test("RateLimiter accepts keys longer than KV would store", async () => {
  using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv, {
    name: "t",
    limit: 1,
    windowMs: 60_000,
  });
  const long = "x".repeat(5000);
  assert.equal((await limiter.hit(long)).ok, true);
  assert.equal((await limiter.hit(long)).ok, false);
  assert.equal((await limiter.hit(long + "y")).ok, true);
});

Deno.test("RateLimiter() refuses a bad limit or window", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.throws(
    () => new RateLimiter(kv, { name: "t", limit: 0, windowMs: 1000 }),
    RangeError,
  );
  assert.throws(
    () => new RateLimiter(kv, { name: "t", limit: 2.5, windowMs: 1000 }),
    RangeError,
  );
  assert.throws(
    () => new RateLimiter(kv, { name: "t", limit: 10, windowMs: 5 }),
    RangeError,
  );
  assert.throws(
    () => new RateLimiter(kv, { name: "t", limit: 1, windowMs: NaN }),
    RangeError,
  );
});

Deno.test("LOGIN_FAILURES, LOGIN_FAILURES_PER_ADDRESS and REGISTRATIONS never refuse ordinary use", async () => {
  using kv = await Deno.openKv(":memory:");
  const logins = new RateLimiter(kv, LOGIN_FAILURES);
  for (let i = 0; i < 5; i++) assert.equal((await logins.hit("k")).ok, true);
  const signups = new RateLimiter(kv, REGISTRATIONS);
  for (let i = 0; i < 20; i++) assert.equal((await signups.hit("k")).ok, true);
  // An office of twenty behind one address, each mistyping three times.
  const office = new RateLimiter(kv, LOGIN_FAILURES_PER_ADDRESS);
  for (let i = 0; i < 60; i++) assert.equal((await office.hit("k")).ok, true);
});

Deno.test("tooManyRequests() is a 429 ApiError with Retry-After", () => {
  const error = tooManyRequests(90);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 429);
  assert.equal(error.code, "rate_limited");
  assert.equal(error.message, "Too many attempts, try again in 90 seconds");
  assert.deepEqual(error.headers, { "Retry-After": "90" });
  assert.equal(tooManyRequests(0.2).headers["Retry-After"], "1");
  assert.equal(
    tooManyRequests(1).message,
    "Too many attempts, try again in 1 second",
  );
});

Deno.test("clientAddressKey() keeps IPv4 and reduces IPv6 to its /64", () => {
  assert.equal(clientAddressKey("203.0.113.9"), "203.0.113.9");
  assert.equal(clientAddressKey("::ffff:203.0.113.9"), "203.0.113.9");
  assert.equal(clientAddressKey("2001:db8:a:b:1:2:3:4"), "2001:db8:a:b::/64");
  assert.equal(clientAddressKey("2001:DB8:A:B:ffff::1"), "2001:db8:a:b::/64");
  assert.equal(clientAddressKey("2001:0db8::1"), "2001:db8:0:0::/64");
  assert.equal(clientAddressKey("[2001:db8:a:b::9]"), "2001:db8:a:b::/64");
  assert.equal(clientAddressKey("fe80::1%eth0"), "fe80:0:0:0::/64");
  assert.equal(clientAddressKey("::1"), "0:0:0:0::/64");
  assert.equal(clientAddressKey("not:an:address"), "not:an:address");
});

Deno.test("loginAttemptKey() joins the address with the lowercased username", () => {
  assert.equal(loginAttemptKey("203.0.113.9", "Ada"), "203.0.113.9|ada");
  assert.equal(
    loginAttemptKey("2001:db8:a:b::1", "ADA"),
    loginAttemptKey("2001:db8:a:b::2", "ada"),
  );
});

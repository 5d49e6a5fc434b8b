import assert from "node:assert/strict";
import { liftTimeout, timeOut } from "../db/timeouts.ts";
import { Hub } from "../realtime/hub.ts";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { TimeoutsCache } from "./_timeouts_cache.ts";
import { liftTimeoutOf, timeOutPerson } from "./moderation.ts";
import { Moderator, refuseTimedOut } from "./standing.ts";
import { account, withServices } from "./_test_services.ts";

Deno.test("A timeout is read once, and an announced change drops it on this instance and on another", async () => {
  const kv = await Deno.openKv(":memory:");
  const relay = `hearth-timeouts-${crypto.randomUUID()}`;
  const hubs = [new Hub({ relay }), new Hub({ relay })];
  try {
    const [a, b] = hubs.map((hub) => new TimeoutsCache({ kv, hub }));
    assert.equal(await a.until("u1"), null);
    assert.equal(await b.until("u1"), null);
    const { until } = await timeOut(kv, "mod", "u1", 60);
    // Stored but not yet announced: both still answer from memory.
    assert.equal(await a.until("u1"), null);
    assert.equal(await b.until("u1"), null);
    // Someone else's change drops nothing.
    hubs[0].announce({ type: "timeout", userId: "u2" });
    assert.equal(await a.until("u1"), null);
    hubs[0].announce({ type: "timeout", userId: "u1" });
    assert.equal(await a.until("u1"), until);
    await waitFor(async () => (await b.until("u1")) === until, {
      what: "the other instance's cache dropping the old answer",
    });
    await liftTimeout(kv, "mod", "u1");
    hubs[1].announce({ type: "timeout", userId: "u1" });
    assert.equal(await b.until("u1"), null);
    await waitFor(async () => (await a.until("u1")) === null, {
      what: "the lift reaching the first instance",
    });
  } finally {
    for (const hub of hubs) hub.close();
    kv.close();
  }
});

Deno.test("A timeout is read again after the time limit, and one that ended counts as none at once", async () => {
  const kv = await Deno.openKv(":memory:");
  const hub = new Hub();
  try {
    let clock = 0;
    const cache = new TimeoutsCache({ kv, hub }, {
      ttlMs: 1000,
      now: () => clock,
    });
    assert.equal(await cache.until("u1"), null);
    const { until } = await timeOut(kv, "mod", "u1", 1);
    clock = 999;
    assert.equal(await cache.until("u1"), null);
    clock = 1000;
    assert.equal(await cache.until("u1"), until);
    // Still within the time limit, but the timeout's own end has passed.
    await waitFor(async () => (await cache.until("u1")) === null, {
      what: "a one-second timeout ending",
      timeoutMs: 3000,
    });
    assert.equal(clock, 1000);
  } finally {
    hub.close();
    kv.close();
  }
});

Deno.test("Timing someone out and lifting it are seen by their next write at once", async () => {
  await withServices(async (services) => {
    const moderator = Moderator.check(services, {
      ...await account(services, "boss"),
      role: "admin",
    });
    const person = await account(services, "person");
    await refuseTimedOut(services, person);
    await timeOutPerson(moderator, person.id, 60);
    await assert.rejects(refuseTimedOut(services, person), /timed out/);
    await liftTimeoutOf(moderator, person.id);
    await refuseTimedOut(services, person);
  });
});

import assert from "node:assert/strict";
import { MAX_PASSWORD_BYTES } from "../shared/limits.ts";
import { HasherBusyError, PasswordHasher } from "./password.ts";

Deno.test("PasswordHasher.hash() produces a bcrypt hash that verifies", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  const hash = await hasher.hash("correct horse battery");
  assert.match(hash, /^\$2b\$04\$[./A-Za-z0-9]{53}$/);
  assert.equal(await hasher.verify("correct horse battery", hash), true);
});

Deno.test("PasswordHasher.verify() returns false for a wrong password", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  const hash = await hasher.hash("correct horse battery");
  assert.equal(await hasher.verify("correct horse batterY", hash), false);
  assert.equal(await hasher.verify("", hash), false);
});

Deno.test("PasswordHasher.hash() salts every hash", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  const [a, b] = await Promise.all([
    hasher.hash("same password"),
    hasher.hash("same password"),
  ]);
  assert.notEqual(a, b);
});

Deno.test("PasswordHasher.hash() handles passwords beyond ASCII", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  const password = "pässwörd 🔥 密码";
  const hash = await hasher.hash(password);
  assert.equal(await hasher.verify(password, hash), true);
  assert.equal(await hasher.verify("passwörd 🔥 密码", hash), false);
});

Deno.test("PasswordHasher refuses at once, never queues, past maxQueued", async () => {
  using hasher = new PasswordHasher({ workers: 1, cost: 6, maxQueued: 2 });
  const accepted = [hasher.hash("running pw"), hasher.hash("waiting 1")];
  accepted.push(hasher.hash("waiting 2"));
  assert.deepEqual(hasher.stats, { workers: 1, busy: 1, queued: 2 });
  await assert.rejects(hasher.hash("one too many"), HasherBusyError);
  await assert.rejects(hasher.verifyAgainstDummy("also"), HasherBusyError);
  assert.deepEqual(hasher.stats, { workers: 1, busy: 1, queued: 2 });
  await Promise.allSettled(accepted);
  // Once the queue drains, jobs are taken again.
  assert.match(await hasher.hash("later pw"), /^\$2b\$06\$/);
});

Deno.test("PasswordHasher() refuses a bad queue bound", () => {
  assert.throws(() => new PasswordHasher({ maxQueued: -1 }), RangeError);
  assert.throws(() => new PasswordHasher({ maxQueued: 1.5 }), RangeError);
  assert.throws(() => new PasswordHasher({ maxQueued: NaN }), RangeError);
  new PasswordHasher({ maxQueued: Infinity }).close();
});

Deno.test("PasswordHasher starts no worker until the first job", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  assert.deepEqual(hasher.stats, { workers: 0, busy: 0, queued: 0 });
  await hasher.hash("a password");
  assert.deepEqual(hasher.stats, { workers: 1, busy: 0, queued: 0 });
});

Deno.test("PasswordHasher runs several hashes concurrently and queues the rest", async () => {
  using hasher = new PasswordHasher({ workers: 2, cost: 6 });
  const passwords = [
    "first pw",
    "second pw",
    "third pw",
    "fourth pw",
    "5th pw",
  ];
  const jobs = passwords.map((p) => hasher.hash(p));
  assert.deepEqual(hasher.stats, { workers: 2, busy: 2, queued: 3 });
  const hashes = await Promise.all(jobs);
  assert.deepEqual(hasher.stats, { workers: 2, busy: 0, queued: 0 });
  assert.equal(new Set(hashes).size, passwords.length);
  const checks = await Promise.all(
    passwords.map((p, i) => hasher.verify(p, hashes[i])),
  );
  assert.deepEqual(checks, passwords.map(() => true));
});

Deno.test("PasswordHasher.hash() rejects a password over 72 bytes", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  // 25 three-byte characters: 25 characters but 75 bytes.
  await assert.rejects(hasher.hash("€".repeat(25)), RangeError);
  assert.equal(hasher.stats.workers, 0);
});

Deno.test("PasswordHasher.verify() is false for a password over 72 bytes", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  const base = "a".repeat(MAX_PASSWORD_BYTES);
  const hash = await hasher.hash(base);
  // bcrypt alone would accept this, as it reads only the first 72 bytes.
  assert.equal(await hasher.verify(base + "extra", hash), false);
});

Deno.test("PasswordHasher.verify() rejects a malformed hash and the pool keeps working", async () => {
  using hasher = new PasswordHasher({ workers: 1, cost: 4 });
  await assert.rejects(hasher.verify("a password", "x".repeat(60)));
  const hash = await hasher.hash("a password");
  assert.equal(await hasher.verify("a password", hash), true);
});

Deno.test("PasswordHasher.verifyAgainstDummy() always resolves false", async () => {
  using hasher = new PasswordHasher({ cost: 4 });
  assert.equal(await hasher.verifyAgainstDummy("anything at all"), false);
  assert.equal(await hasher.verifyAgainstDummy(""), false);
});

Deno.test("PasswordHasher.verifyAgainstDummy() takes about as long as a wrong password", async () => {
  using hasher = new PasswordHasher({ workers: 1 });
  const hash = await hasher.hash("the real password");
  const real: number[] = [];
  const dummy: number[] = [];
  // Interleaved so that load from elsewhere hits both series alike.
  for (let i = 0; i < 4; i++) {
    let start = performance.now();
    await hasher.verify("a wrong password", hash);
    real.push(performance.now() - start);
    start = performance.now();
    await hasher.verifyAgainstDummy("a wrong password");
    dummy.push(performance.now() - start);
  }
  // The fastest of each series is the work itself: load elsewhere only ever
  // adds time. Skipping the work would make the ratio about 0.01.
  const ratio = Math.min(...dummy) / Math.min(...real);
  assert.ok(ratio > 0.5 && ratio < 2, `dummy/real time ratio ${ratio}`);
});

/** Hashes four passwords at once, timing the gaps between 10 ms timer ticks. */
async function gapsWhileHashing(hasher: PasswordHasher) {
  const start = performance.now();
  let last = start;
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  try {
    const hashes = await Promise.all(
      ["one pass", "two pass", "three pass", "four pass"].map((p) =>
        hasher.hash(p)
      ),
    );
    // The stretch since the last tick counts too: hashing on this thread
    // may leave no tick at all.
    maxGap = Math.max(maxGap, performance.now() - last);
    for (const hash of hashes) {
      assert.match(hash, new RegExp(`^\\$2b\\$${hasher.cost}\\$`));
    }
  } finally {
    clearInterval(timer);
  }
  return { maxGap, ticks, elapsed: performance.now() - start };
}

Deno.test("PasswordHasher keeps the main thread responsive during cost-12 hashes", async () => {
  using hasher = new PasswordHasher();
  const { maxGap, ticks, elapsed } = await gapsWhileHashing(hasher);
  // A blocked loop shows a gap as long as one hash, a quarter of the time
  // here or more. The bound scales with the time taken, so a machine that is
  // busy elsewhere (slower hashes, longer scheduler pauses) does not fail it:
  // on an idle one it is about 60 ms.
  const bound = elapsed / 8;
  assert.ok(ticks >= 20, `only ${ticks} ticks in ${elapsed} ms`);
  assert.ok(
    maxGap < bound,
    `largest gap between ticks was ${maxGap} ms of ${elapsed} ms`,
  );
});

Deno.test("the responsiveness check above fails for hashing on the main thread", async () => {
  using hasher = new PasswordHasher({ workers: 0, cost: 10 });
  const { maxGap, elapsed } = await gapsWhileHashing(hasher);
  assert.ok(
    maxGap >= elapsed / 8,
    `largest gap between ticks was ${maxGap} ms of ${elapsed} ms`,
  );
});

Deno.test("PasswordHasher.close() rejects queued jobs and later calls", async () => {
  const hasher = new PasswordHasher({ workers: 1, cost: 8 });
  const running = hasher.hash("first pw");
  const queued = hasher.hash("second pw");
  hasher.close();
  await assert.rejects(running, /closed/);
  await assert.rejects(queued, /closed/);
  await assert.rejects(hasher.hash("third pw"), /closed/);
  assert.deepEqual(hasher.stats, { workers: 0, busy: 0, queued: 0 });
});

Deno.test("PasswordHasher() refuses a bad pool size or cost", () => {
  assert.throws(() => new PasswordHasher({ workers: -1 }), RangeError);
  assert.throws(() => new PasswordHasher({ workers: 1.5 }), RangeError);
  assert.throws(() => new PasswordHasher({ cost: 3 }), RangeError);
  assert.throws(() => new PasswordHasher({ cost: 12.5 }), RangeError);
});

Deno.test("PasswordHasher({ workers: 0 }) hashes and verifies inline, starting no worker", async () => {
  const hasher = new PasswordHasher({ workers: 0, cost: 4 });
  const hash = await hasher.hash("correct horse battery");
  assert.match(hash, /^\$2b\$04\$[./A-Za-z0-9]{53}$/);
  assert.equal(await hasher.verify("correct horse battery", hash), true);
  assert.equal(await hasher.verify("correct horse batterY", hash), false);
  assert.equal(await hasher.verifyAgainstDummy("anything"), false);
  await assert.rejects(hasher.verify("a password", "x".repeat(60)));
  await assert.rejects(hasher.hash("€".repeat(25)), RangeError);
  assert.deepEqual(hasher.stats, { workers: 0, busy: 0, queued: 0 });
  hasher.close();
  await assert.rejects(hasher.hash("later pw"), /closed/);
});

Deno.test("PasswordHasher({ workers: 0 }) does the work on the calling thread", async () => {
  using inline = new PasswordHasher({ workers: 0, cost: 4 });
  using pooled = new PasswordHasher({ workers: 1, cost: 4 });
  await pooled.hash("warm the worker up");
  // Settled after only microtasks means no other thread was involved: a
  // worker's answer arrives as a task, after every pending microtask.
  const settlesWithoutTasks = async (pending: Promise<unknown>) => {
    let settled = false;
    pending.then(() => settled = true);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    const early = settled;
    await pending;
    return early;
  };
  assert.equal(await settlesWithoutTasks(inline.hash("a password")), true);
  assert.equal(await settlesWithoutTasks(pooled.hash("a password")), false);
});

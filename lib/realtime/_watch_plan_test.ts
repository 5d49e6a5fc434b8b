import assert from "node:assert/strict";
import { MAX_WATCH_KEYS, WatchPlan } from "./_watch_plan.ts";

function check(plan: WatchPlan, keysPerItem: number, expected: Set<string>) {
  const seen = new Set<string>();
  for (const id of plan.groupIds()) {
    const items = plan.items(id);
    assert.ok(items.length > 0, `group ${id} is empty`);
    assert.ok(items.length * keysPerItem <= MAX_WATCH_KEYS, `group ${id}`);
    for (const item of items) {
      assert.ok(!seen.has(item), `${item} is in two groups`);
      seen.add(item);
    }
  }
  assert.deepEqual([...seen].sort(), [...expected].sort());
}

Deno.test("WatchPlan keeps every call at ten keys or fewer, each channel in one call", () => {
  const plan = new WatchPlan(2);
  const items = new Set<string>();
  for (let i = 0; i < 23; i++) {
    plan.add(`c${i}`);
    items.add(`c${i}`);
  }
  check(plan, 2, items);
  assert.equal(plan.groupIds().length, 5); // 23 channels at 5 per call
  // Leaving and joining at random keeps the rule, and holes get reused.
  let state = 7;
  const random = () =>
    (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let step = 0; step < 500; step++) {
    const item = `c${Math.floor(random() * 40)}`;
    if (items.has(item)) {
      plan.remove(item);
      items.delete(item);
    } else {
      plan.add(item);
      items.add(item);
    }
    check(plan, 2, items);
  }
});

Deno.test("WatchPlan changes only the call a channel joins or leaves", () => {
  const plan = new WatchPlan(1);
  const ids = Array.from({ length: 25 }, (_, i) => plan.add(`c${i}`)!);
  assert.equal(plan.groupIds().length, 3);
  assert.equal(plan.add("c3"), null, "already watched");
  const before = plan.groupIds().map((id) => plan.items(id).join());
  const changed = plan.remove("c12");
  assert.equal(changed, ids[12]);
  const after = plan.groupIds().map((id) => plan.items(id).join());
  // Only the group that held c12 differs.
  assert.equal(before.filter((g, i) => g !== after[i]).length, 1);
  // The next channel fills that hole instead of opening a fourth call.
  assert.equal(plan.add("c99"), ids[12]);
  assert.equal(plan.remove("nope"), null);
  // A group whose last channel leaves is gone.
  for (let i = 20; i < 25; i++) plan.remove(`c${i}`);
  assert.equal(plan.groupIds().length, 2);
  assert.deepEqual(plan.items(ids[24]), []);
  assert.throws(() => new WatchPlan(11));
});

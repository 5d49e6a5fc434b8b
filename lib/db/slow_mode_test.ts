import assert from "node:assert/strict";
import { withKv } from "./_test_utils.ts";
import {
  claimSlowModeSlot,
  releaseSlowModeSlot,
  slowModeWait,
} from "./slow_mode.ts";

Deno.test("claimSlowModeSlot() lets one message per window through, and a released slot is free again", () =>
  withKv(async (kv) => {
    const first = await claimSlowModeSlot(kv, "c", "u", 60_000);
    assert.ok(first.ok);
    const second = await claimSlowModeSlot(kv, "c", "u", 60_000);
    assert.equal(second.ok, false);
    if (!second.ok) {
      assert.ok(second.waitMs > 59_000 && second.waitMs <= 60_000);
    }
    assert.ok(await slowModeWait(kv, "c", "u", 60_000) > 0);
    // Another member, another channel: their own windows.
    assert.ok((await claimSlowModeSlot(kv, "c", "v", 60_000)).ok);
    assert.ok((await claimSlowModeSlot(kv, "d", "u", 60_000)).ok);
    await releaseSlowModeSlot(kv, first.slot);
    assert.equal(await slowModeWait(kv, "c", "u", 60_000), 0);
    assert.ok((await claimSlowModeSlot(kv, "c", "u", 60_000)).ok);
  }));

Deno.test("claimSlowModeSlot(): of claims racing on separate KV handles of one database, one wins", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-slow-" });
  const handles = await Promise.all(
    [1, 2, 3, 4].map(() => Deno.openKv(`${dir}/kv.db`)),
  );
  try {
    const claims = await Promise.all(
      handles.map((kv) => claimSlowModeSlot(kv, "c", "u", 60_000)),
    );
    assert.equal(claims.filter((c) => c.ok).length, 1);
  } finally {
    for (const kv of handles) kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

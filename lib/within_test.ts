import assert from "node:assert/strict";
import { LATE, within } from "./within.ts";

Deno.test("within() gives the work's value when it comes in time, LATE when it does not", async () => {
  assert.equal(await within(Promise.resolve(7), 1000), 7);
  const never = new Promise<number>(() => {});
  assert.equal(await within(never, 20), LATE);
  await assert.rejects(within(Promise.reject(new Error("no")), 1000), /no/);
});

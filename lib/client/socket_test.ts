import assert from "node:assert/strict";
import { backoffDelay } from "./socket.ts";

Deno.test("backoffDelay() doubles from the base up to the cap, with jitter", () => {
  const top = () => 1;
  const bottom = () => 0;
  assert.equal(backoffDelay(0, {}, top), 500);
  assert.equal(backoffDelay(0, {}, bottom), 250);
  assert.equal(backoffDelay(3, {}, top), 4000);
  assert.equal(backoffDelay(10, {}, top), 10_000);
  assert.equal(backoffDelay(10, { maxDelay: 2000 }, bottom), 1000);
});

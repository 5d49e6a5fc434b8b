import assert from "node:assert/strict";
import { Turns } from "./upgrade_turns.ts";

Deno.test("turns run at most the limit at once and start the waiting in arrival order", () => {
  const turns = new Turns(2);
  const started: number[] = [];
  const ends: (() => void)[] = [];
  for (let i = 0; i < 5; i++) {
    turns.take((done) => {
      started.push(i);
      ends[i] = done;
    });
  }
  assert.deepEqual(started, [0, 1]);
  assert.equal(turns.running, 2);
  assert.equal(turns.waiting, 3);
  ends[1]();
  assert.deepEqual(started, [0, 1, 2]);
  // Ending a turn twice frees one turn, not two.
  ends[1]();
  assert.deepEqual(started, [0, 1, 2]);
  ends[0]();
  ends[2]();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  ends[3]();
  ends[4]();
  assert.equal(turns.running, 0);
  assert.equal(turns.waiting, 0);
});

Deno.test("jobs that end at once run one after another without nesting calls", () => {
  const turns = new Turns(1);
  let hold: (() => void) | undefined;
  turns.take((done) => hold = done);
  let ran = 0;
  // Ending each in its own call would nest 100,000 deep and overflow the stack.
  for (let i = 0; i < 100_000; i++) {
    turns.take((done) => {
      ran++;
      done();
    });
  }
  assert.equal(ran, 0);
  hold!();
  assert.equal(ran, 100_000);
  assert.equal(turns.running, 0);
});

Deno.test("a job that throws gives its turn back", () => {
  const turns = new Turns(1);
  assert.throws(() =>
    turns.take(() => {
      throw new Error("broken");
    }), /broken/);
  let ran = false;
  turns.take(() => ran = true);
  assert.equal(ran, true);
});

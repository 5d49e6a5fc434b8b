import assert from "node:assert/strict";
import { moveInGrid } from "./emoji_grid.ts";

// Sections of 3, 0 (an empty Recent row) and 10 options, 4 to a row:
//   0 1 2
//   3 4 5 6
//   7 8 9 10
//   11 12
const sizes = [3, 0, 10];

Deno.test("moveInGrid() moves by one sideways and keeps the column up and down", () => {
  assert.equal(moveInGrid(sizes, 4, 0, "ArrowRight"), 1);
  assert.equal(moveInGrid(sizes, 4, 2, "ArrowRight"), 3);
  assert.equal(moveInGrid(sizes, 4, 0, "ArrowLeft"), 0);
  assert.equal(moveInGrid(sizes, 4, 12, "ArrowRight"), 12);
  assert.equal(moveInGrid(sizes, 4, 4, "ArrowDown"), 8);
  assert.equal(moveInGrid(sizes, 4, 8, "ArrowUp"), 4);
});

Deno.test("moveInGrid() crosses sections at their edges, skipping empty ones", () => {
  assert.equal(moveInGrid(sizes, 4, 1, "ArrowDown"), 4);
  assert.equal(moveInGrid(sizes, 4, 2, "ArrowDown"), 5);
  assert.equal(moveInGrid(sizes, 4, 6, "ArrowUp"), 2, "the short row's end");
  assert.equal(moveInGrid(sizes, 4, 4, "ArrowUp"), 1);
  assert.equal(
    moveInGrid(sizes, 4, 10, "ArrowDown"),
    12,
    "the last row is short",
  );
  assert.equal(moveInGrid(sizes, 4, 12, "ArrowDown"), 12);
  assert.equal(moveInGrid(sizes, 4, 0, "ArrowUp"), 0);
  assert.equal(moveInGrid([], 4, 0, "ArrowDown"), 0);
});

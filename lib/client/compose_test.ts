import assert from "node:assert/strict";
import { afterInsert, textFile } from "./compose.ts";

Deno.test("afterInsert() replaces the selection with the inserted text", () => {
  assert.equal(afterInsert("hello world", 6, 11, "there"), "hello there");
  assert.equal(afterInsert("ab", 1, 1, "-"), "a-b");
  assert.equal(afterInsert("", 0, 0, "x"), "x");
});

Deno.test("textFile() makes a UTF-8 text file named after the time", async () => {
  const file = textFile("🔥 long text", new Date("2026-12-06T08:15:30Z"));
  assert.equal(file.name, "message-2026-12-06-0815.txt");
  assert.equal(file.type, "text/plain;charset=utf-8");
  assert.equal(await file.text(), "🔥 long text");
});

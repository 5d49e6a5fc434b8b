import assert from "node:assert/strict";
import {
  dayLabel,
  formatBytes,
  formatTime,
  hueFor,
  initials,
  typingText,
} from "./format.ts";

Deno.test("formatTime() on the server clock is UTC and English", () => {
  assert.equal(formatTime("2025-03-04T15:07:00Z", "server"), "3:07 PM");
});

Deno.test("dayLabel() says Today and Yesterday, else the date", () => {
  const now = new Date("2025-03-04T12:00:00Z");
  assert.equal(dayLabel("2025-03-04T01:00:00Z", "server", now), "Today");
  assert.equal(dayLabel("2025-03-03T23:00:00Z", "server", now), "Yesterday");
  assert.equal(
    dayLabel("2025-02-27T10:00:00Z", "server", now),
    "Thursday, February 27",
  );
});

Deno.test("formatBytes() picks a readable unit", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(1536), "1.5 KB");
  assert.equal(formatBytes(25 * 1024 * 1024), "25 MB");
});

Deno.test("initials() takes one or two letters", () => {
  assert.equal(initials("ada"), "AD");
  assert.equal(initials("Ada Lovelace"), "AL");
  assert.equal(initials("grace_hopper"), "GH");
  assert.equal(initials("  "), "?");
});

Deno.test("hueFor() is stable and in range", () => {
  assert.equal(hueFor("abc"), hueFor("abc"));
  assert.ok(hueFor("some-user-id") < 360);
});

Deno.test("typingText() names one or two typists", () => {
  assert.equal(typingText([]), "");
  assert.equal(typingText(["Ada"]), "Ada is typing…");
  assert.equal(typingText(["Ada", "Bo"]), "Ada and Bo are typing…");
  assert.equal(typingText(["A", "B", "C"]), "Several people are typing…");
});

import assert from "node:assert/strict";
import {
  applySuggestion,
  findTrigger,
  MAX_SUGGESTIONS,
  memberSuggestions,
} from "./suggest.ts";
import type { Member } from "./types.ts";

Deno.test("findTrigger() finds @ and : triggers that end at the caret", () => {
  assert.deepEqual(findTrigger("hi @be", 6), {
    kind: "mention",
    start: 3,
    query: "be",
  });
  assert.deepEqual(findTrigger("@", 1), {
    kind: "mention",
    start: 0,
    query: "",
  });
  assert.deepEqual(findTrigger("nice :thu", 9), {
    kind: "emoji",
    start: 5,
    query: "thu",
  });
  assert.deepEqual(findTrigger("(:+1", 4), {
    kind: "emoji",
    start: 1,
    query: "+1",
  });
  // The caret decides: text after it does not count.
  assert.deepEqual(findTrigger("@ada and more", 4), {
    kind: "mention",
    start: 0,
    query: "ada",
  });
});

Deno.test("findTrigger() ignores e-mail addresses, times and finished words", () => {
  assert.equal(findTrigger("ada@example", 11), null);
  assert.equal(findTrigger("at 12:30", 8), null);
  assert.equal(findTrigger("note:", 5), null);
  assert.equal(findTrigger(":a", 2), null);
  assert.equal(findTrigger("@ada ", 5), null);
  assert.equal(findTrigger("", 0), null);
});

Deno.test("applySuggestion() replaces the trigger and adds one space", () => {
  const trigger = { kind: "mention" as const, start: 3, query: "be" };
  assert.deepEqual(applySuggestion("hi @be", trigger, 6, "@ben"), {
    text: "hi @ben ",
    caret: 8,
  });
  assert.deepEqual(applySuggestion("hi @be there", trigger, 6, "@ben"), {
    text: "hi @ben there",
    caret: 7,
  });
});

const member = (id: string, username: string, displayName = username) => ({
  id,
  username,
  displayName,
  online: true,
} satisfies Member);

Deno.test("memberSuggestions() ranks usernames, then names, then anything containing the query", () => {
  const members = [
    member("1", "ada"),
    member("2", "bob", "Ada Byron"),
    member("3", "cassadra"),
    member("4", "adalbert"),
    member("5", "zed"),
  ];
  assert.deepEqual(
    memberSuggestions(members, "AD", "5").map((s) => s.insert),
    ["@ada", "@adalbert", "@bob", "@cassadra"],
  );
  assert.deepEqual(memberSuggestions(members, "", "1").map((s) => s.key), [
    "4",
    "2",
    "3",
    "5",
  ]);
  assert.deepEqual(memberSuggestions(members, "zed", "5"), []);
  assert.deepEqual(memberSuggestions(members, "ada", "5")[1], {
    key: "4",
    label: "adalbert",
    detail: "@adalbert",
    insert: "@adalbert",
  });
});

Deno.test("memberSuggestions() offers at most a handful", () => {
  const many = Array.from({ length: 30 }, (_, i) => member(`${i}`, `user${i}`));
  assert.equal(memberSuggestions(many, "user", "x").length, MAX_SUGGESTIONS);
});

import assert from "node:assert/strict";
import { mentionsMe } from "./mentions.ts";
import type { Message } from "./types.ts";

const me = { id: "u-ada", username: "ada.b", displayName: "Ada" };

function message(content: string, extra: Partial<Message> = {}): Message {
  return {
    id: "m",
    channelId: "c",
    seq: 1,
    rev: 1,
    author: { id: "u-ben", username: "ben", displayName: "Ben" },
    content,
    createdAt: new Date(0).toISOString(),
    file: null,
    ...extra,
  };
}

Deno.test("mentionsMe() finds @username in the text, whole and ignoring case", () => {
  for (
    const text of [
      "@ada.b hi",
      "hi @Ada.B",
      "(@ada.b)",
      "thanks @ada.b.",
      "a\n@ada.b, b",
    ]
  ) {
    assert.equal(mentionsMe(message(text), me), true, text);
  }
  for (
    const text of [
      "@ada.bc",
      "@ada.b.c",
      "x@ada.b",
      "ada.b",
      "@adaxb",
      "@ada-b",
    ]
  ) {
    assert.equal(mentionsMe(message(text), me), false, text);
  }
});

Deno.test("mentionsMe() prefers the server's mentions list, and never flags my own messages", () => {
  const listed = { mentions: ["u-ada"] } as Partial<Message>;
  assert.equal(mentionsMe(message("no name here", listed), me), true);
  const others = { mentions: ["u-cy"] } as Partial<Message>;
  assert.equal(mentionsMe(message("@ada.b in text", others), me), false);
  const mine = {
    author: { id: "u-ada", username: "ada.b", displayName: "Ada" },
  };
  assert.equal(mentionsMe(message("@ada.b", mine), me), false);
});

import assert from "node:assert/strict";
import { mentionsMe } from "./mentions.ts";
import type { Message } from "./types.ts";

const me = {
  id: "u-ada",
  username: "ada.b",
  displayName: "Ada",
  role: "member" as const,
};

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
    reactions: [],
    mentions: [],
    ...extra,
  };
}

Deno.test("mentionsMe() follows the server's mentions list, never the text, and never flags my own messages", () => {
  const listed: Partial<Message> = { mentions: ["u-ada"] };
  assert.equal(mentionsMe(message("no name here", listed), me), true);
  const others: Partial<Message> = { mentions: ["u-cy"] };
  assert.equal(mentionsMe(message("@ada.b in text", others), me), false);
  const mine = {
    author: { id: "u-ada", username: "ada.b", displayName: "Ada" },
    mentions: ["u-ada"],
  };
  assert.equal(mentionsMe(message("@ada.b", mine), me), false);
});

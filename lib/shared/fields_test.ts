import assert from "node:assert/strict";
import type { z } from "zod";
import { validate } from "../validation.ts";
import {
  channelNameSchema,
  clientIdSchema,
  contentSchema,
  displayNameSchema,
  topicSchema,
  usernameSchema,
} from "./fields.ts";
import {
  addMemberBody,
  createChannelBody,
  listMessagesQuery,
  postMessageBody,
  readMarkerBody,
  uploadFields,
} from "./requests.ts";

function message(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  assert.equal(
    result.success,
    false,
    `expected ${JSON.stringify(input)} to fail`,
  );
  return result.error!.issues[0].message;
}

Deno.test("usernameSchema: one rule for registration, login and lookups", () => {
  // Trimmed everywhere, so " bob " is bob whichever path it arrives on.
  assert.equal(usernameSchema.parse(" bob "), "bob");
  assert.deepEqual(addMemberBody.parse({ username: " bob " }), {
    username: "bob",
  });
  assert.equal(
    message(usernameSchema, "ab"),
    "Username must be at least 3 characters",
  );
  assert.equal(
    message(addMemberBody, { username: "ab" }),
    "Username must be at least 3 characters",
  );
  assert.match(message(addMemberBody, { username: "b o b" }), /Username/);
  assert.equal(
    message(usernameSchema, "x".repeat(33)),
    "Username must be at most 32 characters",
  );
});

Deno.test("displayNameSchema counts code points and refuses controls and bidi overrides", () => {
  assert.equal(displayNameSchema.parse("  Bob B "), "Bob B");
  assert.equal(displayNameSchema.parse("🔥".repeat(64)), "🔥".repeat(64));
  assert.equal(
    message(displayNameSchema, "🔥".repeat(65)),
    "Display name must be at most 64 characters",
  );
  assert.equal(
    message(displayNameSchema, " "),
    "Display name must not be empty",
  );
  for (const name of ["a\tb", "a\u0085b", "a\u202eb", "a\u2066b"]) {
    assert.equal(
      message(displayNameSchema, name),
      "Display name must not contain control or invisible characters",
    );
  }
});

Deno.test("createChannelBody trims and checks name, topic and private", () => {
  assert.deepEqual(
    createChannelBody.parse({ name: "  Ops ", topic: " t ", private: true }),
    { name: "Ops", topic: "t", private: true },
  );
  assert.deepEqual(createChannelBody.parse({ name: "x" }), { name: "x" });
  assert.equal(message(createChannelBody, {}), "Channel name is required");
  assert.equal(
    message(createChannelBody, { name: "   " }),
    "Channel name must not be empty",
  );
  assert.equal(
    message(createChannelBody, { name: "x".repeat(81) }),
    "Channel name must be at most 80 characters",
  );
  assert.equal(
    message(channelNameSchema, "a\u0000b"),
    "Channel name must not contain control or invisible characters",
  );
  assert.equal(
    message(createChannelBody, { name: "x", private: "yes" }),
    "Private must be true or false",
  );
  assert.equal(
    message(createChannelBody, { name: "x", topic: "t".repeat(251) }),
    "Topic must be at most 250 characters",
  );
});

Deno.test("readMarkerBody accepts only non-negative integers", () => {
  assert.deepEqual(readMarkerBody.parse({ seq: 0 }), { seq: 0 });
  assert.equal(
    message(readMarkerBody, { seq: -1 }),
    "seq must not be negative",
  );
  assert.equal(message(readMarkerBody, { seq: 1.5 }), "seq must be an integer");
  assert.equal(message(readMarkerBody, { seq: "3" }), "seq must be a number");
});

Deno.test("postMessageBody and uploadFields share the content and clientId rules", () => {
  assert.deepEqual(
    postMessageBody.parse({ content: " hi ", clientId: "a1-b2_c.d:e" }),
    { content: "hi", clientId: "a1-b2_c.d:e" },
  );
  assert.equal(
    message(postMessageBody, { content: "  " }),
    "Content must not be empty",
  );
  // A caption may be empty (the file is the message), never too long.
  assert.deepEqual(uploadFields.parse({ content: "  " }), { content: "" });
  for (const schema of [postMessageBody, uploadFields]) {
    assert.equal(
      message(schema, { content: "x".repeat(4001) }),
      "Content must be at most 4000 characters",
    );
    for (const clientId of ["", "a b", "x".repeat(65), "é", 7]) {
      assert.match(message(schema, { content: "x", clientId }), /clientId/);
    }
  }
  assert.equal(contentSchema.parse("x".repeat(4000)).length, 4000);
  assert.equal(clientIdSchema.parse("x".repeat(64)).length, 64);
});

Deno.test("listMessagesQuery coerces cursors and clamps limit", () => {
  assert.deepEqual(
    listMessagesQuery.parse({ before: "10", after: "0", limit: "500" }),
    { before: 10, after: 0, limit: 200 },
  );
  assert.deepEqual(listMessagesQuery.parse({}), {});
  assert.deepEqual(listMessagesQuery.parse({ other: "x" }), {});
  for (const before of ["-1", "1.5", "abc", "", " 1", "1e3", "9".repeat(16)]) {
    assert.equal(
      message(listMessagesQuery, { before }),
      "before must be a non-negative integer",
    );
  }
  assert.equal(
    message(listMessagesQuery, { limit: "0" }),
    "limit must be at least 1",
  );
});

Deno.test("validate() throws a 422 that names the field", () => {
  assert.deepEqual(validate({ seq: 4 }, readMarkerBody), { seq: 4 });
  assert.throws(() => validate({}, readMarkerBody), {
    status: 422,
    code: "validation_failed",
    message: "seq: seq is required",
  });
  assert.throws(() => validate("nope", readMarkerBody), {
    status: 422,
    message: "Request body must be a JSON object",
  });
  assert.throws(() => validate(" ", displayNameSchema), {
    status: 422,
    message: "Display name must not be empty",
  });
});

const INVISIBLE = ["\u200b", "\u2028", "\u034f", "\u3164", "\u2800", "\ufeff"];

Deno.test("names and topics refuse invisible characters and ill-formed text, emoji sequences stay", () => {
  for (const schema of [displayNameSchema, channelNameSchema, topicSchema]) {
    for (const char of INVISIBLE) {
      // Inside a name it makes one read as another.
      assert.equal(schema.safeParse(`Ali${char}ce`).success, false, char);
      // Alone it would look empty: refused, or trimmed to an empty topic.
      const alone = schema.safeParse(char);
      assert.ok(!alone.success || alone.data === "", char);
      // At either end it is trimmed away (JavaScript's white space) or refused.
      const leading = schema.safeParse(`${char}Alice`);
      assert.ok(!leading.success || leading.data === "Alice", char);
    }
    assert.match(message(schema, "Al\ud800ice"), /invalid characters/);
    // A joiner or variation selector after a visible character is an emoji.
    for (const name of ["👩‍💻 Ada", "❤️ team", "Ada 👨‍👩‍👧"]) {
      assert.equal(schema.parse(name), name);
    }
    assert.equal(schema.safeParse("\u200dAda").success, false);
    assert.equal(schema.safeParse("Ada \ufe0f").success, false);
  }
});

Deno.test("content counts code points, keeps tab and newline, refuses other controls", () => {
  // 4,000 emoji are 8,000 UTF-16 units but 4,000 characters.
  assert.equal(contentSchema.parse("😀".repeat(4000)), "😀".repeat(4000));
  assert.equal(
    message(contentSchema, "😀".repeat(4001)),
    "Content must be at most 4000 characters",
  );
  assert.equal(contentSchema.parse("a\tb\nc"), "a\tb\nc");
  // Pasted Windows line breaks are stored as \n, not refused.
  assert.equal(contentSchema.parse("one\r\ntwo\rthree"), "one\ntwo\nthree");
  for (
    const control of ["\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085"]
  ) {
    assert.equal(
      message(contentSchema, `a${control}b`),
      "Content must not contain control characters other than tab and newline",
    );
  }
  assert.match(message(contentSchema, "a\udc00"), /invalid characters/);
  assert.equal(
    uploadFields.parse({ content: "😀".repeat(4000) }).content.length,
    8000,
  );
});

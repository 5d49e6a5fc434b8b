import assert from "node:assert/strict";
import {
  addMemberSchema,
  createChannelSchema,
  createMessageSchema,
  listMessagesQuerySchema,
  parseOrThrow,
  patchMeSchema,
  readMarkerSchema,
} from "./schemas.ts";

function message(schema: Parameters<typeof parseOrThrow>[0], input: unknown) {
  const result = schema.safeParse(input);
  assert.equal(
    result.success,
    false,
    `expected ${JSON.stringify(input)} to fail`,
  );
  return result.error!.issues[0].message;
}

Deno.test("createChannelSchema trims and checks name, topic and private", () => {
  assert.deepEqual(
    createChannelSchema.parse({ name: "  Ops ", topic: " t ", private: true }),
    { name: "Ops", topic: "t", private: true },
  );
  assert.deepEqual(createChannelSchema.parse({ name: "x" }), { name: "x" });
  assert.equal(message(createChannelSchema, {}), "name is required");
  assert.equal(
    message(createChannelSchema, { name: "   " }),
    "name must not be empty",
  );
  assert.equal(
    message(createChannelSchema, { name: "x".repeat(81) }),
    "name must be at most 80 characters",
  );
  assert.equal(
    message(createChannelSchema, { name: "x", private: "yes" }),
    "private must be true or false",
  );
  assert.equal(
    message(createChannelSchema, { name: "x", topic: "t".repeat(251) }),
    "topic must be at most 250 characters",
  );
});

Deno.test("addMemberSchema and patchMeSchema trim their strings", () => {
  assert.deepEqual(addMemberSchema.parse({ username: " bob " }), {
    username: "bob",
  });
  assert.match(message(addMemberSchema, { username: "b o b" }), /username/);
  assert.deepEqual(patchMeSchema.parse({ displayName: "  Bob B " }), {
    displayName: "Bob B",
  });
  assert.equal(
    message(patchMeSchema, { displayName: " " }),
    "displayName must not be empty",
  );
  assert.equal(message(patchMeSchema, {}), "displayName is required");
});

Deno.test("readMarkerSchema accepts only non-negative integers", () => {
  assert.deepEqual(readMarkerSchema.parse({ seq: 0 }), { seq: 0 });
  assert.equal(
    message(readMarkerSchema, { seq: -1 }),
    "seq must not be negative",
  );
  assert.equal(
    message(readMarkerSchema, { seq: 1.5 }),
    "seq must be an integer",
  );
  assert.equal(message(readMarkerSchema, { seq: "3" }), "seq must be a number");
});

Deno.test("createMessageSchema trims content and checks clientId", () => {
  assert.deepEqual(
    createMessageSchema.parse({ content: " hi ", clientId: "a1-b2_c.d:e" }),
    { content: "hi", clientId: "a1-b2_c.d:e" },
  );
  assert.equal(
    message(createMessageSchema, { content: "  " }),
    "content must not be empty",
  );
  assert.equal(
    message(createMessageSchema, { content: "x".repeat(4001) }),
    "content must be at most 4000 characters",
  );
  for (const clientId of ["", "a b", "x".repeat(65), "é", 7]) {
    assert.match(
      message(createMessageSchema, { content: "x", clientId }),
      /clientId/,
    );
  }
});

Deno.test("listMessagesQuerySchema coerces cursors and clamps limit", () => {
  assert.deepEqual(
    listMessagesQuerySchema.parse({ before: "10", after: "0", limit: "500" }),
    { before: 10, after: 0, limit: 200 },
  );
  assert.deepEqual(listMessagesQuerySchema.parse({}), {});
  assert.deepEqual(listMessagesQuerySchema.parse({ other: "x" }), {});
  for (const before of ["-1", "1.5", "abc", "", " 1", "1e3", "9".repeat(16)]) {
    assert.equal(
      message(listMessagesQuerySchema, { before }),
      "before must be a non-negative integer",
    );
  }
  assert.equal(
    message(listMessagesQuerySchema, { limit: "0" }),
    "limit must be at least 1",
  );
});

Deno.test("parseOrThrow() throws a 422 naming the first problem", () => {
  assert.deepEqual(parseOrThrow(readMarkerSchema, { seq: 4 }), { seq: 4 });
  assert.throws(() => parseOrThrow(readMarkerSchema, {}), {
    status: 422,
    code: "validation_failed",
    message: "seq is required",
  });
  assert.throws(() => parseOrThrow(readMarkerSchema, "nope"), {
    status: 422,
    message: "Request body must be a JSON object",
  });
});

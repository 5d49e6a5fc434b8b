import assert from "node:assert/strict";
import { ApiFailure } from "./api.ts";
import { addFriend } from "./friends.ts";

// Answers every fetch with `status` and `body`, recording what was asked.
async function withAnswer(
  status: number,
  body: unknown,
  run: (asked: { url: string; init?: RequestInit }[]) => Promise<void>,
): Promise<void> {
  const original = globalThis.fetch;
  const asked: { url: string; init?: RequestInit }[] = [];
  globalThis.fetch = (input, init) => {
    asked.push({ url: String(input), init });
    return Promise.resolve(Response.json(body, { status }));
  };
  try {
    await run(asked);
  } finally {
    globalThis.fetch = original;
  }
}

Deno.test("addFriend() posts the username and tells a new request (201) from friends at once (200)", async () => {
  await withAnswer(201, { state: "outgoing" }, async (asked) => {
    assert.equal(await addFriend("bea"), "outgoing");
    assert.equal(asked[0].url, "/friends");
    assert.equal(asked[0].init?.method, "POST");
    assert.deepEqual(JSON.parse(String(asked[0].init?.body)), {
      username: "bea",
    });
  });
  await withAnswer(200, { state: "friends" }, async () => {
    assert.equal(await addFriend("bea"), "friends");
  });
});

Deno.test("addFriend() throws a block (403) and a request already there (409) in the server's words", async () => {
  for (
    const [status, code, detail] of [
      [403, "blocked", "You cannot send bea a friend request"],
      [409, "already_requested", "You asked bea already"],
    ] as const
  ) {
    await withAnswer(status, { code, detail }, async () => {
      await assert.rejects(addFriend("bea"), (error) => {
        assert.ok(error instanceof ApiFailure);
        assert.equal(error.status, status);
        assert.equal(error.message, `${detail}.`);
        return true;
      });
    });
  }
});

import assert from "node:assert/strict";
import { createOutbox, WAITING } from "./outbox.ts";
import { createChatState } from "./state.ts";
import type { Message } from "./types.ts";

const me = {
  id: "u1",
  username: "ada",
  displayName: "Ada",
  role: "member" as const,
};

function setup() {
  const state = createChatState({
    me,
    channels: [],
    channel: {
      id: "c1",
      name: "general",
      topic: "",
      private: false,
      ownerId: "u1",
      kind: "channel",
      memberCount: 1,
      lastSeq: 0,
      unread: 0,
      joined: true,
    },
    messages: [],
    members: [],
    firstUnreadSeq: 0,
    maxUploadBytes: 1024 * 1024,
  });
  const stored: Message[] = [];
  const outbox = createOutbox(state, (m) => {
    stored.push(m);
    state.outbox.value = state.outbox.value.filter((e) =>
      e.message.clientId !== m.clientId
    );
  });
  return { state, stored, outbox };
}

/** Replaces fetch for `body`, recording every POST body it sees. */
async function withFetch(
  answer: (body: { content: string; clientId: string }) => Response,
  body: (posted: { content: string; clientId: string }[]) => Promise<void>,
) {
  const original = globalThis.fetch;
  const posted: { content: string; clientId: string }[] = [];
  globalThis.fetch = (_input, init) => {
    const sent = JSON.parse(String(init?.body));
    posted.push(sent);
    try {
      return Promise.resolve(answer(sent));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  try {
    await body(posted);
  } finally {
    globalThis.fetch = original;
  }
}

const offline = () => {
  throw new TypeError("Failed to fetch");
};
const storedAs =
  (seq: number) => (sent: { content: string; clientId: string }) =>
    Response.json({
      id: `m${seq}`,
      channelId: "c1",
      seq: seq++,
      author: me,
      content: sent.content,
      createdAt: new Date(0).toISOString(),
      clientId: sent.clientId,
      file: null,
    }, { status: 201 });

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("outbox: a send that found no connection waits, then goes again in order with the same clientIds", async () => {
  const { state, stored, outbox } = setup();
  await withFetch(offline, async () => {
    outbox.send("first");
    outbox.send("second");
    await settle();
  });
  const waiting = state.outbox.value;
  assert.deepEqual(waiting.map((e) => [e.status, e.waiting, e.error]), [
    ["failed", true, WAITING],
    ["failed", true, WAITING],
  ]);
  const ids = waiting.map((e) => e.message.clientId);

  await withFetch(storedAs(1), async (posted) => {
    await outbox.retryWaiting();
    assert.deepEqual(posted.map((p) => [p.content, p.clientId]), [
      ["first", ids[0]],
      ["second", ids[1]],
    ]);
    // Nothing left to retry: a second reconnect posts nothing.
    await outbox.retryWaiting();
    assert.equal(posted.length, 2);
  });
  assert.deepEqual(stored.map((m) => m.content), ["first", "second"]);
  assert.deepEqual(state.outbox.value, []);
});

Deno.test("outbox: a send the server refused is not retried by itself", async () => {
  const { state, outbox } = setup();
  const refuse = () =>
    Response.json({ detail: "Slow down", code: "rate_limited" }, {
      status: 429,
    });
  await withFetch(refuse, async (posted) => {
    outbox.send("too fast");
    await settle();
    await outbox.retryWaiting();
    assert.equal(posted.length, 1);
  });
  const [entry] = state.outbox.value;
  assert.equal(entry.status, "failed");
  assert.equal(entry.waiting, undefined);
});

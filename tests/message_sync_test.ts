/**
 * The change stream over real sockets, in the manner of Zulip's
 * `verify_action`: a client's state plus the frames it received must equal a
 * fresh load of the history, after every kind of change, both for a client
 * that stayed connected and for one that was away and came back with its
 * cursor (`after` and `rev`).
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import {
  type Api,
  createChannel,
  FrameSocket,
  postMessage,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";
import type { Message, ServerFrame } from "../lib/shared/wire.ts";

/** What a client keeps: messages by seq, and where to resume. */
class Replica {
  readonly messages = new Map<number, Message>();
  after = 0;
  rev = 0;
  #socket: FrameSocket | null = null;
  #applied = 0;
  #caughtUp = false;

  constructor(
    readonly base: string,
    readonly channelId: string,
    readonly token: string,
  ) {}

  /** Opens a socket from the cursor and applies its frames as they come. */
  async connect(): Promise<void> {
    this.#caughtUp = false;
    this.#applied = 0;
    this.#socket = await FrameSocket.open(
      this.base,
      this.channelId,
      this.token,
      this.after,
      this.rev,
    );
    await this.#socket.next("caught_up");
  }

  /** Closes the socket, keeping the state and the cursor. */
  async disconnect(): Promise<void> {
    this.sync();
    await this.#socket?.close();
    this.#socket = null;
  }

  /** Applies the frames received since the last call. */
  sync(): void {
    const frames = this.#socket?.frames ?? [];
    for (; this.#applied < frames.length; this.#applied++) {
      this.#apply(frames[this.#applied]);
    }
  }

  /** The messages, oldest first, as a history load lists them. */
  list(): Message[] {
    this.sync();
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  #apply(frame: ServerFrame): void {
    if (frame.type === "caught_up") {
      this.#caughtUp = true;
      this.rev = Math.max(this.rev, frame.rev);
      return;
    }
    if (frame.type !== "message" && frame.type !== "message_update") return;
    const message = frame.message;
    const held = this.messages.get(message.seq);
    // Replace by seq; a frame older than what is held changes nothing.
    if (held === undefined || held.rev <= message.rev) {
      this.messages.set(message.seq, message);
    }
    if (frame.type === "message") {
      this.after = Math.max(this.after, message.seq);
    }
    // Live frames move the cursor only once everything before them is in.
    if (this.#caughtUp) this.rev = Math.max(this.rev, message.rev);
  }
}

async function fresh(api: Api, channelId: string): Promise<Message[]> {
  const res = await api.get(`/channels/${channelId}/messages?limit=200`);
  assert.equal(res.status, 200);
  return res.body;
}

async function converges(replica: Replica, api: Api, what: string) {
  const want = await fresh(api, replica.channelId);
  await waitFor(() => isDeepStrictEqual(replica.list(), want), {
    what: `${what}: the client's state equal to a fresh load`,
  }).catch(() => assert.deepEqual(replica.list(), want, what));
}

type Scenario = [
  string,
  (
    ctx: { alice: Api; bob: Api; channelId: string; seqs: number[] },
  ) => Promise<unknown>,
];

const path = (channelId: string, seq: number) =>
  `/channels/${channelId}/messages/${seq}`;
const reaction = (channelId: string, seq: number, emoji: string) =>
  `${path(channelId, seq)}/reactions/${encodeURIComponent(emoji)}`;

const SCENARIOS: Scenario[] = [
  [
    "a new message",
    ({ alice, channelId }) =>
      postMessage(alice, channelId, "while you were away"),
  ],
  [
    "an edit",
    ({ alice, channelId, seqs }) =>
      alice.send("PATCH", path(channelId, seqs[0]), {
        json: { content: "edited" },
      }),
  ],
  [
    "a reaction added",
    ({ alice, channelId, seqs }) =>
      alice.send("PUT", reaction(channelId, seqs[1], "🎉"), {}),
  ],
  [
    "a second person's reaction",
    ({ bob, channelId, seqs }) =>
      bob.send("PUT", reaction(channelId, seqs[1], "🎉"), {}),
  ],
  [
    "a reaction removed",
    ({ alice, channelId, seqs }) =>
      alice.send("DELETE", reaction(channelId, seqs[1], "🎉"), {}),
  ],
  [
    "a reply",
    ({ alice, channelId, seqs }) =>
      alice.post(`/channels/${channelId}/messages`, {
        content: "answering",
        replyTo: seqs[2],
      }),
  ],
  [
    "an edit of a replied-to message",
    ({ alice, channelId, seqs }) =>
      alice.send("PATCH", path(channelId, seqs[2]), {
        json: { content: "the quote follows" },
      }),
  ],
  [
    "a deletion (and the quote it empties)",
    ({ alice, channelId, seqs }) =>
      alice.send("DELETE", path(channelId, seqs[2]), {}),
  ],
  [
    "a deletion by the channel's owner",
    ({ alice, channelId, seqs }) =>
      alice.send("DELETE", path(channelId, seqs[3]), {}),
  ],
  [
    "a mention",
    ({ alice, channelId }) =>
      alice.post(`/channels/${channelId}/messages`, {
        content: "@bob_sync hi",
      }),
  ],
  ["many changes at once", async ({ alice, bob, channelId, seqs }) => {
    await Promise.all([
      postMessage(alice, channelId, "one"),
      alice.send("PATCH", path(channelId, seqs[0]), {
        json: { content: "edited again" },
      }),
      bob.send("PUT", reaction(channelId, seqs[0], "👍"), {}),
      alice.send("PUT", reaction(channelId, seqs[4], "👀"), {}),
      postMessage(bob, channelId, "two"),
    ]);
  }],
];

Deno.test("a client away during each kind of change converges on reconnect; one that stayed converges live", () =>
  withHearth(async ({ base }) => {
    const alice = await signUp(base);
    const bob = await signUp(base, "bob_sync");
    const channelId = (await createChannel(alice.api)).id;
    await bob.api.post(`/channels/${channelId}/join`);
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const author = i === 3 ? bob.api : alice.api;
      seqs.push((await postMessage(author, channelId, `message ${i}`)).seq);
    }
    const away = new Replica(base, channelId, bob.token);
    const stayed = new Replica(base, channelId, bob.token);
    await away.connect();
    await stayed.connect();
    await converges(away, bob.api, "the first load");
    try {
      for (const [name, change] of SCENARIOS) {
        await away.disconnect();
        await change({ alice: alice.api, bob: bob.api, channelId, seqs });
        await converges(stayed, bob.api, `live, after ${name}`);
        await away.connect();
        await converges(away, bob.api, `on reconnect, after ${name}`);
      }
    } finally {
      await away.disconnect();
      await stayed.disconnect();
    }
  }));

Deno.test("a reconnect with rev replays only messages it had; newer ones come whole, once", () =>
  withHearth(async ({ base }) => {
    const alice = await signUp(base);
    const channelId = (await createChannel(alice.api)).id;
    for (let i = 1; i <= 3; i++) {
      await postMessage(alice.api, channelId, `m${i}`);
    }
    const first = await FrameSocket.open(base, channelId, alice.token, 0, 0);
    const ready = await first.next("ready");
    assert.equal(ready.rev, 3);
    const caught = await first.next("caught_up");
    assert.deepEqual(caught, { type: "caught_up", lastSeq: 3, rev: 3 });
    await first.close();

    await alice.api.send("PATCH", path(channelId, 2), {
      json: { content: "m2!" },
    });
    await postMessage(alice.api, channelId, "m4");
    await alice.api.send("PATCH", path(channelId, 4), {
      json: { content: "m4!" },
    });

    const again = await FrameSocket.open(base, channelId, alice.token, 3, 3);
    const done = await again.next("caught_up");
    assert.deepEqual(done, { type: "caught_up", lastSeq: 4, rev: 6 });
    const seen = again.frames.flatMap((f) =>
      f.type === "message" || f.type === "message_update"
        ? [[f.type, f.message.seq, f.message.rev, f.message.content]]
        : []
    );
    assert.deepEqual(seen, [
      ["message", 4, 6, "m4!"],
      ["message_update", 2, 4, "m2!"],
    ]);
    await again.close();
  }));

Deno.test("a reaction spelled with or without U+FE0F is one reaction, over the socket and HTTP", () =>
  withHearth(async ({ base }) => {
    const alice = await signUp(base);
    const bob = await signUp(base);
    const channelId = (await createChannel(alice.api)).id;
    await bob.api.post(`/channels/${channelId}/join`);
    const m = await postMessage(alice.api, channelId, "thumbs");
    const ws = await FrameSocket.open(base, channelId, alice.token);
    await ws.next("ready");
    const bobs = await FrameSocket.open(base, channelId, bob.token);
    await bobs.next("ready");
    const reactions = async () =>
      (await bobs.next("message_update", (f) => f.message.seq === m.seq))
        .message.reactions;

    // emojibase writes thumbs up with U+FE0F; the keyboard of a phone does not.
    ws.send({ type: "react", seq: m.seq, emoji: "👍\uFE0F", add: true });
    assert.deepEqual(await reactions(), [
      { emoji: "👍", count: 1, userIds: [alice.id] },
    ]);
    const put = await bob.api.send(
      "PUT",
      `/channels/${channelId}/messages/${m.seq}/reactions/${
        encodeURIComponent("👍")
      }`,
      {},
    );
    assert.equal(put.status, 204);
    assert.deepEqual(await reactions(), [
      { emoji: "👍", count: 2, userIds: [alice.id, bob.id] },
    ]);
    // Removing with the other spelling removes the same reaction.
    ws.send({ type: "react", seq: m.seq, emoji: "👍", add: false });
    assert.deepEqual(await reactions(), [
      { emoji: "👍", count: 1, userIds: [bob.id] },
    ]);
    bobs.send({ type: "react", seq: m.seq, emoji: "👍\uFE0F", add: false });
    assert.deepEqual(await reactions(), []);
    // And a heart typed without its selector is the heart of the picker.
    const heart = await alice.api.send(
      "PUT",
      `/channels/${channelId}/messages/${m.seq}/reactions/${
        encodeURIComponent("❤")
      }`,
      {},
    );
    assert.equal(heart.status, 204);
    assert.deepEqual(await reactions(), [
      { emoji: "❤\uFE0F", count: 1, userIds: [alice.id] },
    ]);
    await ws.close();
    await bobs.close();
  }));

Deno.test("socket frames edit, delete and react; refusals are error frames naming the clientId", () =>
  withHearth(async ({ base }) => {
    const alice = await signUp(base);
    const bob = await signUp(base);
    const channelId = (await createChannel(alice.api)).id;
    await bob.api.post(`/channels/${channelId}/join`);
    const mine = await postMessage(alice.api, channelId, "mine");
    const ws = await FrameSocket.open(base, channelId, alice.token);
    await ws.next("ready");
    const bobs = await FrameSocket.open(base, channelId, bob.token);
    await bobs.next("ready");

    ws.send({
      type: "edit",
      seq: mine.seq,
      content: "edited live",
      clientId: "e1",
    });
    let update = await bobs.next("message_update");
    assert.equal(update.message.content, "edited live");
    ws.send({ type: "react", seq: mine.seq, emoji: "🔥", add: true });
    update = await bobs.next("message_update");
    assert.deepEqual(update.message.reactions, [
      { emoji: "🔥", count: 1, userIds: [alice.id] },
    ]);
    ws.send({
      type: "message",
      content: "a reply",
      clientId: "r1",
      replyTo: mine.seq,
    });
    const reply = await bobs.next("message");
    assert.equal(reply.message.replyTo?.excerpt, "edited live");

    bobs.send({
      type: "edit",
      seq: mine.seq,
      content: "not mine",
      clientId: "b1",
    });
    assert.deepEqual(await bobs.next("error"), {
      type: "error",
      code: "not_author",
      detail: "Only its author can edit a message",
      clientId: "b1",
    });
    bobs.send({
      type: "react",
      seq: mine.seq,
      emoji: "xx",
      add: true,
      clientId: "b2",
    });
    const bad = await bobs.next("error");
    assert.equal(bad.code, "validation_failed");
    assert.equal(bad.clientId, "b2");
    bobs.send({ type: "delete", seq: 99, clientId: "b3" });
    const missing = await bobs.next("error");
    assert.deepEqual([missing.code, missing.clientId], [
      "message_not_found",
      "b3",
    ]);
    bobs.send({
      type: "message",
      content: "to nothing",
      clientId: "b4",
      replyTo: 99,
    });
    const nothing = await bobs.next("error");
    assert.deepEqual([nothing.code, nothing.clientId], [
      "validation_failed",
      "b4",
    ]);

    ws.send({ type: "delete", seq: mine.seq });
    update = await bobs.next(
      "message_update",
      (f) => f.message.seq === mine.seq && f.message.deleted === true,
    );
    assert.equal(update.message.content, "");
    const quote = await bobs.next(
      "message_update",
      (f) => f.message.seq === reply.message.seq,
    );
    assert.equal(quote.message.replyTo?.excerpt, "");
    ws.send({
      type: "edit",
      seq: mine.seq,
      content: "too late",
      clientId: "e2",
    });
    const gone = await ws.next("error");
    assert.deepEqual([gone.code, gone.clientId], ["message_deleted", "e2"]);
    await ws.close();
    await bobs.close();
    const stored = await request(
      base,
      "GET",
      `/channels/${channelId}/messages`,
      {
        token: bob.token,
      },
    );
    assert.equal(stored.body[0].deleted, true);
  }));

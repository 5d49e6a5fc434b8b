/**
 * Editing, deleting, replying, reacting and mentioning over HTTP, with every
 * refusal's status and code, and the channel's change stream (`rev`,
 * `GET /changes`, `GET /mentions`).
 */
import assert from "node:assert/strict";
import {
  type Api,
  createChannel,
  postMessage,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import type { Message } from "../lib/shared/wire.ts";

const path = (channelId: string, seq: number | string) =>
  `/channels/${channelId}/messages/${seq}`;
const reaction = (channelId: string, seq: number, emoji: string) =>
  `${path(channelId, seq)}/reactions/${encodeURIComponent(emoji)}`;

async function history(api: Api, channelId: string): Promise<Message[]> {
  const res = await api.get(`/channels/${channelId}/messages?limit=200`);
  assert.equal(res.status, 200);
  return res.body;
}

/** Two members of a fresh channel that `owner` created. */
async function room(base: string) {
  const owner = await signUp(base);
  const bob = await signUp(base);
  const channel = await createChannel(owner.api);
  assert.equal(
    (await bob.api.post(`/channels/${channel.id}/join`)).status,
    200,
  );
  return { owner, bob, channelId: channel.id };
}

Deno.test("PATCH a message edits it, stamps editedAt and advances rev", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const first = await postMessage(bob.api, channelId, "helo");
    assert.equal(first.rev, 1);
    await postMessage(owner.api, channelId, "second");
    const res = await bob.api.send("PATCH", path(channelId, first.seq), {
      json: { content: "  hello  " },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.content, "hello");
    assert.equal(res.body.seq, 1);
    assert.equal(res.body.rev, 3);
    assert.equal(typeof res.body.editedAt, "string");
    const [stored] = await history(bob.api, channelId);
    assert.deepEqual(stored, res.body);
    const channels = (await bob.api.get("/channels")).body;
    const channel = channels.find((c: { id: string }) => c.id === channelId);
    assert.equal(channel.rev, 3);
    assert.equal(channel.lastSeq, 2, "an edit is not a message");
  }));

Deno.test("PATCH refuses others' messages (403), deleted ones (409), unknown seqs (404), bad content (422)", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const mine = await postMessage(bob.api, channelId, "mine");
    const edit = (api: Api, seq: number | string, content: unknown) =>
      api.send("PATCH", path(channelId, seq), { json: { content } });
    const cases: [Api, number | string, unknown, number, string][] = [
      [owner.api, mine.seq, "not yours", 403, "not_author"],
      [bob.api, 99, "nothing there", 404, "message_not_found"],
      [bob.api, mine.seq, "   ", 422, "validation_failed"],
      [bob.api, mine.seq, "x".repeat(4001), 422, "validation_failed"],
      [bob.api, mine.seq, 42, 422, "validation_failed"],
      [bob.api, "0", "zero", 422, "validation_failed"],
      [bob.api, "abc", "letters", 422, "validation_failed"],
    ];
    for (const [api, seq, content, status, code] of cases) {
      const res = await edit(api, seq, content);
      assert.equal(res.status, status, `${seq} ${JSON.stringify(content)}`);
      assert.equal(res.body.code, code);
    }
    assert.equal(
      (await bob.api.send("DELETE", path(channelId, mine.seq), {})).status,
      204,
    );
    const gone = await edit(bob.api, mine.seq, "again");
    assert.equal(gone.status, 409);
    assert.equal(gone.body.code, "message_deleted");
    const outsider = await signUp(base);
    const refused = await edit(outsider.api, mine.seq, "hi");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "not_member");
  }));

Deno.test("DELETE leaves a tombstone; the author and the channel's owner may, others may not", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const carol = await signUp(base);
    await carol.api.post(`/channels/${channelId}/join`);
    const bobs = await postMessage(bob.api, channelId, "bob's");
    const other = await postMessage(bob.api, channelId, "another of bob's");
    await bob.api.send("PUT", reaction(channelId, bobs.seq, "👍"), {});

    const refused = await carol.api.send(
      "DELETE",
      path(channelId, bobs.seq),
      {},
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "not_author");
    const missing = await bob.api.send("DELETE", path(channelId, 50), {});
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "message_not_found");

    assert.equal(
      (await bob.api.send("DELETE", path(channelId, bobs.seq), {})).status,
      204,
    );
    assert.equal(
      (await owner.api.send("DELETE", path(channelId, other.seq), {})).status,
      204,
      "the channel's owner deletes anyone's message",
    );
    // Deleting again changes nothing.
    const [stone, second] = await history(carol.api, channelId);
    assert.equal(
      (await bob.api.send("DELETE", path(channelId, bobs.seq), {})).status,
      204,
    );
    assert.deepEqual((await history(carol.api, channelId))[0], stone);
    assert.equal(stone.seq, 1);
    assert.equal(stone.deleted, true);
    assert.equal(stone.content, "");
    assert.equal(stone.file, null);
    assert.deepEqual(stone.reactions, []);
    assert.equal(stone.author.id, bob.id);
    assert.equal(second.deleted, true);
    const reacted = await carol.api.send(
      "PUT",
      reaction(channelId, bobs.seq, "🎉"),
      {},
    );
    assert.equal(reacted.status, 409);
    assert.equal(reacted.body.code, "message_deleted");
  }));

Deno.test("DELETE of a file's message removes its bytes: /files/{id} is 404", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const form = new FormData();
    form.append("content", "the plan");
    form.append(
      "file",
      new File([new Uint8Array(200_000).fill(7)], "plan.bin"),
    );
    const up = await request(base, "POST", `/channels/${channelId}/files`, {
      token: bob.token,
      body: form,
    });
    assert.equal(up.status, 201);
    const url = up.body.file.url;
    const before = await request(base, "GET", url, { token: owner.token });
    assert.equal(before.status, 200);
    // An edit may empty a file's caption.
    const emptied = await bob.api.send("PATCH", path(channelId, up.body.seq), {
      json: { content: "" },
    });
    assert.equal(emptied.status, 200);
    assert.equal(emptied.body.content, "");
    assert.equal(emptied.body.file.id, up.body.file.id);
    assert.equal(
      (await bob.api.send("DELETE", path(channelId, up.body.seq), {})).status,
      204,
    );
    const after = await request(base, "GET", url, { token: owner.token });
    assert.equal(after.status, 404);
    assert.equal(after.body.code, "file_not_found");
  }));

Deno.test("replyTo quotes the original (100 characters), and an empty excerpt once it is deleted", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const long = "a".repeat(90) + "🙂".repeat(20);
    const original = await postMessage(owner.api, channelId, long);
    const res = await bob.api.post(`/channels/${channelId}/messages`, {
      content: "agreed",
      replyTo: original.seq,
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.replyTo, {
      seq: original.seq,
      author: original.author,
      excerpt: "a".repeat(90) + "🙂".repeat(10),
    });
    for (const replyTo of [5, 0, -1, "1", 1.5]) {
      const bad = await bob.api.post(`/channels/${channelId}/messages`, {
        content: "to nothing",
        replyTo,
      });
      assert.equal(bad.status, 422, JSON.stringify(replyTo));
      assert.equal(bad.body.code, "validation_failed");
    }
    // A seq of another channel is not one of this channel.
    const elsewhere = await createChannel(bob.api);
    const cross = await bob.api.post(`/channels/${elsewhere.id}/messages`, {
      content: "cross",
      replyTo: original.seq,
    });
    assert.equal(cross.status, 422);

    await owner.api.send("PATCH", path(channelId, original.seq), {
      json: { content: "changed my mind" },
    });
    let [, reply] = await history(bob.api, channelId);
    assert.equal(reply.replyTo?.excerpt, "changed my mind");
    await owner.api.send("DELETE", path(channelId, original.seq), {});
    [, reply] = await history(bob.api, channelId);
    assert.equal(reply.replyTo?.excerpt, "");
    assert.equal(reply.replyTo?.seq, original.seq);
    assert.equal(reply.rev, 6, "each refresh of the quote is a change");
  }));

Deno.test("reactions: one emoji each, first-use order, idempotent, at most 20 per message", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const m = await postMessage(owner.api, channelId, "react to me");
    const put = (api: Api, emoji: string) =>
      api.send("PUT", reaction(channelId, m.seq, emoji), {});
    assert.equal((await put(bob.api, "🎉")).status, 204);
    assert.equal((await put(owner.api, "👍🏽")).status, 204);
    assert.equal((await put(owner.api, "🎉")).status, 204);
    assert.equal((await put(owner.api, "🎉")).status, 204, "idempotent");
    assert.equal((await put(bob.api, "👩‍💻")).status, 204);
    let [stored] = await history(bob.api, channelId);
    assert.deepEqual(stored.reactions, [
      { emoji: "🎉", count: 2, userIds: [bob.id, owner.id] },
      { emoji: "👍🏽", count: 1, userIds: [owner.id] },
      { emoji: "👩‍💻", count: 1, userIds: [bob.id] },
    ]);
    const rev = stored.rev;
    assert.equal(
      (await bob.api.send("DELETE", reaction(channelId, m.seq, "👩‍💻"), {}))
        .status,
      204,
    );
    assert.equal(
      (await bob.api.send("DELETE", reaction(channelId, m.seq, "👩‍💻"), {}))
        .status,
      204,
    );
    [stored] = await history(bob.api, channelId);
    assert.equal(stored.rev, rev + 1, "removing twice is one change");
    assert.deepEqual(stored.reactions.map((r: { emoji: string }) => r.emoji), [
      "🎉",
      "👍🏽",
    ]);

    for (const bad of ["a", "👍👍", "👍 ", ":+1:", "👍".repeat(20)]) {
      const res = await put(bob.api, bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.equal(res.body.code, "validation_failed");
    }
    // Half an emoji's escapes is no path at all.
    const broken = await bob.api.send(
      "PUT",
      `${path(channelId, m.seq)}/reactions/%F0%9F`,
      {},
    );
    assert.equal(broken.status, 404);
    const unknown = await put(bob.api, "😀");
    assert.equal(unknown.status, 204);
    const missing = await bob.api.send(
      "PUT",
      reaction(channelId, 77, "😀"),
      {},
    );
    assert.equal(missing.status, 404);

    const emoji = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🤩"];
    for (const e of emoji) assert.equal((await put(bob.api, e)).status, 204);
    [stored] = await history(bob.api, channelId);
    assert.equal(stored.reactions.length, 20);
    const full = await put(bob.api, "🥶");
    assert.equal(full.status, 422);
    assert.equal(full.body.code, "too_many_reactions");
    // An emoji already there still takes more people.
    assert.equal((await put(owner.api, "😀")).status, 204);
  }));

Deno.test("mentions: members' @names, the channel's unread mention count, GET /mentions", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    const outsider = await signUp(base);
    const m1 = await postMessage(
      owner.api,
      channelId,
      `hi @${bob.username.toUpperCase()}, @${outsider.username} and @nobody_here (mail ${bob.username}@example.org)`,
    );
    assert.deepEqual(m1.mentions, [bob.id]);
    await postMessage(owner.api, channelId, "no mention");
    const m3 = await postMessage(owner.api, channelId, `@${bob.username}!`);
    const mine = async () =>
      (await bob.api.get("/channels")).body.find((c: { id: string }) =>
        c.id === channelId
      );
    assert.equal((await mine()).mentions, 2);
    assert.equal((await mine()).unread, 3);
    await bob.api.post(`/channels/${channelId}/read`, { seq: 1 });
    assert.equal((await mine()).mentions, 1);

    let listed = await bob.api.get("/mentions");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.map((m: Message) => m.seq), [m3.seq, m1.seq]);
    assert.equal((await bob.api.get("/mentions?limit=1")).body.length, 1);
    assert.equal((await bob.api.get("/mentions?limit=0")).status, 422);

    // An edit that drops the mention drops it from the list.
    const edited = await owner.api.send("PATCH", path(channelId, m3.seq), {
      json: { content: "never mind" },
    });
    assert.deepEqual(edited.body.mentions, []);
    listed = await bob.api.get("/mentions");
    assert.deepEqual(listed.body.map((m: Message) => m.seq), [m1.seq]);
    // Leaving the channel hides its mentions.
    await bob.api.post(`/channels/${channelId}/leave`);
    assert.deepEqual((await bob.api.get("/mentions")).body, []);
    assert.equal((await request(base, "GET", "/mentions")).status, 401);
  }));

Deno.test("GET /changes lists messages changed after a rev, in rev order, paged", () =>
  withHearth(async ({ base }) => {
    const { owner, bob, channelId } = await room(base);
    for (let i = 1; i <= 5; i++) {
      await postMessage(owner.api, channelId, `m${i}`);
    }
    const changes = (query: string) =>
      bob.api.get(`/channels/${channelId}/changes?${query}`);
    await owner.api.send("PATCH", path(channelId, 2), {
      json: { content: "m2 edited" },
    });
    await bob.api.send("PUT", reaction(channelId, 4, "👍"), {});
    await owner.api.send("DELETE", path(channelId, 1), {});
    await owner.api.send("PATCH", path(channelId, 2), {
      json: { content: "m2 edited twice" },
    });
    const all = await changes("since=5");
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.map((m: Message) => [m.seq, m.rev]),
      [[4, 7], [1, 8], [2, 9]],
    );
    assert.equal(all.body[2].content, "m2 edited twice");
    const page1 = await changes("since=0&limit=3");
    assert.deepEqual(page1.body.map((m: Message) => m.seq), [3, 5, 4]);
    const page2 = await changes(`since=${page1.body[2].rev}&limit=3`);
    assert.deepEqual(page2.body.map((m: Message) => m.seq), [1, 2]);
    assert.deepEqual((await changes("since=9")).body, []);
    for (const q of ["", "since=-1", "since=x", "since=1&limit=0"]) {
      assert.equal((await changes(q)).status, 422, q);
    }
  }));

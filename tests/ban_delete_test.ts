/**
 * A ban that deletes: `PUT /bans/{userId}` with `deleteMessagesSeconds`
 * turns the banned person's messages of that window into tombstones marked
 * `deletedBy: "moderator"` in every channel (DMs left alone), removes their
 * files, tells open sockets, and audits the deletion. A moderator's delete
 * leaves the same mark; an author's own does not.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  request,
  signUp,
  uniqueName,
  uploadFile,
  withHearth,
} from "./helpers/api.ts";

Deno.test("PUT /bans/{userId} with deleteMessagesSeconds deletes their recent messages everywhere but DMs, with files, live and audited", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const spammer = await signUp(base, uniqueName("spam"));
    const bystander = await signUp(base, uniqueName("by"));
    const rooms = [
      await createChannel(owner.api, uniqueName("a")),
      await createChannel(owner.api, uniqueName("b"), { private: true }),
    ];
    await spammer.api.post(`/channels/${rooms[0].id}/join`);
    await owner.api.post(`/channels/${rooms[1].id}/members`, {
      username: spammer.username,
    });
    await bystander.api.post(`/channels/${rooms[0].id}/join`);
    const mine = await bystander.api.post(
      `/channels/${rooms[0].id}/messages`,
      { content: "not spam" },
    );
    for (const room of rooms) {
      await spammer.api.post(`/channels/${room.id}/messages`, {
        content: "buy now",
      });
    }
    const file = await uploadFile(
      spammer.api,
      rooms[1].id,
      new TextEncoder().encode("junk"),
      "junk.txt",
    );
    assert.equal(
      (await request(base, "GET", file.url, { token: owner.token })).status,
      200,
    );
    const dm = await spammer.api.post("/dms", { usernames: [owner.username] });
    await spammer.api.post(`/channels/${dm.body.id}/messages`, {
      content: "hello in private",
    });
    const watcher = await FrameSocket.open(base, rooms[0].id, bystander.token);
    await watcher.next("ready");

    for (const bad of [-1, 604801, 1.5, "60"]) {
      const res = await owner.api.send("PUT", `/bans/${spammer.id}`, {
        json: { deleteMessagesSeconds: bad },
      });
      assert.equal(res.status, 422, `deleteMessagesSeconds ${bad}`);
    }
    const banned = await owner.api.send("PUT", `/bans/${spammer.id}`, {
      json: { reason: "spam", deleteMessagesSeconds: 3600 },
    });
    assert.equal(banned.status, 200, JSON.stringify(banned.body));
    assert.equal(banned.body.deletedMessages, 3);

    const update = await watcher.next("message_update");
    assert.equal(update.message.deleted, true);
    assert.equal(update.message.deletedBy, "moderator");
    for (const room of rooms) {
      const history = (await owner.api.get(`/channels/${room.id}/messages`))
        .body as {
          author: { id: string };
          deleted?: true;
          deletedBy?: string;
        }[];
      for (const message of history) {
        if (message.author.id !== spammer.id) {
          assert.equal(message.deleted, undefined);
          continue;
        }
        assert.equal(message.deleted, true);
        assert.equal(message.deletedBy, "moderator");
      }
    }
    assert.equal(
      (await request(base, "GET", file.url, { token: owner.token })).status,
      404,
    );
    const dmHistory = await owner.api.get(`/channels/${dm.body.id}/messages`);
    assert.equal(dmHistory.body[0].deleted, undefined, "DMs are left alone");
    assert.equal(
      (await owner.api.get(`/channels/${rooms[0].id}/messages`)).body.find((
        m: { seq: number },
      ) => m.seq === mine.body.seq).content,
      "not spam",
    );
    const audit = (await owner.api.get("/audit")).body as {
      action: string;
      target: string;
    }[];
    assert.ok(
      audit.some((e) =>
        e.action === "ban_delete_messages" &&
        e.target === `${spammer.id}/3600`
      ),
      JSON.stringify(audit),
    );
    await watcher.close();
  });
});

Deno.test("A ban without deleteMessagesSeconds deletes nothing; messages older than the window stay", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const bo = await signUp(base, uniqueName("bo"));
    const room = await createChannel(owner.api, uniqueName("room"));
    await bo.api.post(`/channels/${room.id}/join`);
    await bo.api.post(`/channels/${room.id}/messages`, { content: "old" });
    const plain = await owner.api.send("PUT", `/bans/${bo.id}`, { json: {} });
    assert.equal(plain.status, 200);
    assert.equal(plain.body.deletedMessages, undefined);
    await owner.api.send("DELETE", `/bans/${bo.id}`, {});
    // A one-second window, after a wait: the message is older than it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const narrow = await owner.api.send("PUT", `/bans/${bo.id}`, {
      json: { deleteMessagesSeconds: 1 },
    });
    assert.equal(narrow.body.deletedMessages, 0);
    const [message] = (await owner.api.get(`/channels/${room.id}/messages`))
      .body;
    assert.equal(message.content, "old");
  });
});

Deno.test("DELETE of someone else's message by a moderator marks the tombstone deletedBy moderator; an author's own does not", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const mod = await signUp(base, uniqueName("mod"));
    const ann = await signUp(base, uniqueName("ann"));
    await owner.api.send("PATCH", `/users/${mod.id}`, {
      json: { role: "moderator" },
    });
    const room = await createChannel(ann.api, uniqueName("room"));
    await mod.api.post(`/channels/${room.id}/join`);
    const watcher = await FrameSocket.open(base, room.id, ann.token);
    await watcher.next("ready");
    const one = await ann.api.post(`/channels/${room.id}/messages`, {
      content: "one",
    });
    const two = await ann.api.post(`/channels/${room.id}/messages`, {
      content: "two",
    });
    assert.equal(
      (await mod.api.send(
        "DELETE",
        `/channels/${room.id}/messages/${one.body.seq}`,
        {},
      )).status,
      204,
    );
    const frame = await watcher.next(
      "message_update",
      (f) => f.message.seq === one.body.seq,
    );
    assert.equal(frame.message.deletedBy, "moderator");
    watcher.send({ type: "delete", seq: two.body.seq });
    const own = await watcher.next(
      "message_update",
      (f) => f.message.seq === two.body.seq,
    );
    assert.equal(own.message.deleted, true);
    assert.equal(own.message.deletedBy, undefined);
    await watcher.close();
  });
});

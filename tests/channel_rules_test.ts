/**
 * A channel's posting rules over HTTP and sockets: `PATCH /channels/{id}`
 * sets slow mode and the post policy (its owner or an admin; checked
 * bounds; never on a DM), channel objects and `channel_updated` frames carry
 * them, members are held to them (429 `slow_mode` with `Retry-After`, 403
 * `read_only`) while the channel's owner and moderators are not, and each
 * change is audited.
 */
import assert from "node:assert/strict";
import {
  type Account,
  type Api,
  createChannel,
  FrameSocket,
  signUp,
  uniqueName,
  uploadFile,
  withHearth,
} from "./helpers/api.ts";

type Person = Account & { api: Api };

function settings(api: Api, channelId: string, body: unknown) {
  return api.send("PATCH", `/channels/${channelId}`, { json: body });
}

function post(api: Api, channelId: string, content: string, clientId?: string) {
  return api.post(`/channels/${channelId}/messages`, { content, clientId });
}

async function setRole(owner: Person, person: Person, role: string) {
  const res = await owner.api.send("PATCH", `/users/${person.id}`, {
    json: { role },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** The instance owner, a channel owner, a member and a moderator, all in one public channel. */
async function cast(base: string) {
  const founder = await signUp(base, uniqueName("founder"));
  const chief = await signUp(base, uniqueName("chief"));
  const member = await signUp(base, uniqueName("member"));
  const mod = await signUp(base, uniqueName("mod"));
  await setRole(founder, mod, "moderator");
  const room = await createChannel(chief.api, uniqueName("room"));
  for (const person of [member, mod]) {
    const joined = await person.api.post(`/channels/${room.id}/join`);
    assert.equal(joined.status, 200);
  }
  return { founder, chief, member, mod, room };
}

Deno.test("PATCH /channels/{id} sets slowModeSeconds and postPolicy: owner or admin, bounds checked, never a DM; channels carry both", async () => {
  await withHearth(async ({ base }) => {
    const { founder, chief, member, mod, room } = await cast(base);
    const listed = (await member.api.get("/channels")).body.find((
      c: { id: string },
    ) => c.id === room.id);
    assert.equal(listed.slowModeSeconds, 0);
    assert.equal(listed.postPolicy, "everyone");

    for (const bad of [-1, 21601, 1.5, "10", null]) {
      const res = await settings(chief.api, room.id, { slowModeSeconds: bad });
      assert.equal(res.status, 422, `slowModeSeconds ${bad}`);
    }
    for (const bad of ["admins", "", 1]) {
      const res = await settings(chief.api, room.id, { postPolicy: bad });
      assert.equal(res.status, 422, `postPolicy ${bad}`);
    }
    assert.equal((await settings(chief.api, room.id, {})).status, 422);
    // A moderator is not a channel manager; a member neither.
    for (const person of [member, mod]) {
      const res = await settings(person.api, room.id, { slowModeSeconds: 5 });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, "not_owner");
    }
    const set = await settings(chief.api, room.id, { slowModeSeconds: 21600 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.slowModeSeconds, 21600);
    assert.equal(set.body.postPolicy, "everyone");
    const byAdmin = await settings(founder.api, room.id, {
      slowModeSeconds: 0,
      postPolicy: "moderators",
    });
    assert.equal(byAdmin.status, 200);
    assert.equal(byAdmin.body.slowModeSeconds, 0);
    assert.equal(byAdmin.body.postPolicy, "moderators");
    // Renaming keeps the settings.
    const renamed = await settings(chief.api, room.id, { topic: "news" });
    assert.equal(renamed.body.postPolicy, "moderators");

    const dm = await member.api.post("/dms", { usernames: [chief.username] });
    const onDm = await settings(member.api, dm.body.id, { slowModeSeconds: 5 });
    assert.equal(onDm.status, 403);
    assert.equal(onDm.body.code, "direct_message");
    assert.equal(dm.body.slowModeSeconds, 0);

    const audit = (await founder.api.get("/audit")).body as {
      action: string;
      target: string;
      actor: { id: string };
    }[];
    // The topic change is audited too, as a channel change.
    const settingsEntries = audit.filter((e) => e.action.startsWith("channel_"))
      .map((e) =>
        `${
          e.actor.id === founder.id ? "admin" : "owner"
        } ${e.action} ${e.target}`
      );
    // Entries of one change share a millisecond, so their order is not kept.
    assert.deepEqual(settingsEntries.sort(), [
      `admin channel_post_policy ${room.id}/moderators`,
      `admin channel_slow_mode ${room.id}/0`,
      `owner channel_change ${room.id}`,
      `owner channel_slow_mode ${room.id}/21600`,
    ]);
  });
});

Deno.test("Slow mode: a member's second message inside the window is 429 slow_mode with Retry-After, over HTTP, uploads and the socket; owner and moderators are exempt", async () => {
  await withHearth(async ({ base }) => {
    const { chief, member, mod, room } = await cast(base);
    const watcher = await FrameSocket.open(base, room.id, member.token);
    await watcher.next("ready");
    assert.equal(
      (await settings(chief.api, room.id, { slowModeSeconds: 60 })).status,
      200,
    );
    const updated = await watcher.next("channel_updated");
    assert.equal(updated.channel.slowModeSeconds, 60);
    assert.equal(updated.channel.postPolicy, "everyone");

    const first = await post(member.api, room.id, "one", "c-1");
    assert.equal(first.status, 201);
    const second = await post(member.api, room.id, "two", "c-2");
    assert.equal(second.status, 429);
    assert.equal(second.body.code, "slow_mode");
    const wait = Number(second.headers.get("retry-after"));
    assert.ok(wait >= 58 && wait <= 60, `Retry-After ${wait}`);
    // A retried send of the stored message answers it again, not 429.
    const again = await post(member.api, room.id, "one", "c-1");
    assert.equal(again.status, 200);
    assert.equal(again.body.seq, first.body.seq);
    // An upload waits its turn too, before its body is stored.
    const form = new FormData();
    form.set("file", new File(["hi"], "a.txt", { type: "text/plain" }));
    const upload = await member.api.send("POST", `/channels/${room.id}/files`, {
      body: form,
    });
    assert.equal(upload.status, 429);
    assert.equal(upload.body.code, "slow_mode");
    // Over the socket: an error frame naming the send and the wait.
    watcher.send({ type: "message", content: "three", clientId: "c-3" });
    const error = await watcher.next("error");
    assert.equal(error.code, "slow_mode");
    assert.equal(error.clientId, "c-3");
    assert.ok(error.retryAfter! >= 58 && error.retryAfter! <= 60);

    // The owner and a moderator post as they like.
    for (const person of [chief, mod]) {
      for (const text of ["a", "b"]) {
        assert.equal((await post(person.api, room.id, text)).status, 201);
      }
    }
    // A refused message costs no wait: with a wrong reply it is 422, and the next one goes.
    assert.equal(
      (await settings(chief.api, room.id, { slowModeSeconds: 0 })).status,
      200,
    );
    assert.equal((await post(member.api, room.id, "free")).status, 201);
    assert.equal(
      (await settings(chief.api, room.id, { slowModeSeconds: 5 })).status,
      200,
    );
    const other = await signUp(base, uniqueName("other"));
    await other.api.post(`/channels/${room.id}/join`);
    const wrong = await other.api.post(`/channels/${room.id}/messages`, {
      content: "answer",
      replyTo: 999,
    });
    assert.equal(wrong.status, 422);
    assert.equal((await post(other.api, room.id, "fine")).status, 201);
    await watcher.close();
  });
});

Deno.test("Read-only: postPolicy moderators refuses members' posts and uploads with 403 read_only; reactions, the owner and moderators go through", async () => {
  await withHearth(async ({ base }) => {
    const { chief, member, mod, room } = await cast(base);
    const news = await post(chief.api, room.id, "news");
    assert.equal(
      (await settings(chief.api, room.id, { postPolicy: "moderators" }))
        .status,
      200,
    );
    const refused = await post(member.api, room.id, "me too");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "read_only");
    const form = new FormData();
    form.set("file", new File(["hi"], "a.txt", { type: "text/plain" }));
    const upload = await member.api.send("POST", `/channels/${room.id}/files`, {
      body: form,
    });
    assert.equal(upload.status, 403);
    assert.equal(upload.body.code, "read_only");
    const socket = await FrameSocket.open(base, room.id, member.token);
    await socket.next("ready");
    socket.send({ type: "message", content: "hi", clientId: "ro-1" });
    const error = await socket.next("error");
    assert.equal(error.code, "read_only");
    assert.equal(error.clientId, "ro-1");
    // Members still react (as in an announcement channel).
    const reacted = await member.api.send(
      "PUT",
      `/channels/${room.id}/messages/${news.body.seq}/reactions/${
        encodeURIComponent("👍")
      }`,
      {},
    );
    assert.equal(reacted.status, 204);
    assert.equal((await post(mod.api, room.id, "mod note")).status, 201);
    await uploadFile(
      chief.api,
      room.id,
      new TextEncoder().encode("x"),
      "x.txt",
    );
    // Opened back up, members post again, and an open socket sees that at once.
    assert.equal(
      (await settings(chief.api, room.id, { postPolicy: "everyone" })).status,
      200,
    );
    const frame = await socket.next(
      "channel_updated",
      (f) => f.channel.postPolicy === "everyone",
    );
    assert.equal(frame.channel.id, room.id);
    socket.send({ type: "message", content: "hi", clientId: "ro-2" });
    const stored = await socket.next(
      "message",
      (f) => f.message.clientId === "ro-2",
    );
    assert.equal(stored.message.content, "hi");
    await socket.close();
  });
});

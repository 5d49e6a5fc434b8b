/**
 * A post takes its token's standing from memory even while messages keep
 * moving the channel's history stamp, yet on one instance a sign-out, a ban,
 * a leave, a removal, a timeout, a role change and a new display name each
 * take effect on the very next post, and a page right after a post shows it.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  request,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import {
  type StandingWalk,
  walkStandingChanges,
} from "./helpers/standing_changes.ts";
import { countReads } from "../lib/db/_test_utils.ts";

const postsOf = (channelId: string) => `/channels/${channelId}/messages`;

Deno.test("posts one after another keep their standing across their own messages; a page after them shows them", () =>
  withHearth(async (server) => {
    const alice = await signUp(server.base);
    const channel = await createChannel(alice.api);
    const post = async (content: string) => {
      const res = await request(server.base, "POST", postsOf(channel.id), {
        token: alice.token,
        json: { content },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    const page = async () => {
      const res = await request(
        server.base,
        "GET",
        `${postsOf(channel.id)}?limit=50`,
        { token: alice.token },
      );
      assert.equal(res.status, 200);
      return res.body.map((m: { content: string }) => m.content);
    };
    await post("one");
    assert.deepEqual(await page(), ["one"]);
    await post("two");
    // The last post's message moved the stamp; the standing stays kept.
    const kept = await countReads(server.services.kv, () => post("three"));
    // Dropping the standing (as a change of the user's record does) makes
    // the next post read it again: one round trip more.
    server.services.hub.announce({ type: "user", userId: alice.id });
    const fresh = await countReads(server.services.kv, () => post("four"));
    assert.equal(fresh, kept + 1);
    assert.deepEqual(await page(), ["one", "two", "three", "four"]);
    await post("five");
    assert.deepEqual(await page(), ["one", "two", "three", "four", "five"]);
  }));

Deno.test("a sign-out, a ban, a leave, a removal and a timeout stop the next post", () =>
  withHearth(async ({ base }) => {
    const post = (walk: StandingWalk, token: string) =>
      request(walk.base, "POST", postsOf(walk.roomId), {
        token,
        json: { content: "hi" },
      });
    await walkStandingChanges(base, {
      ask: post,
      // Two posts, so the second comes from memory past the first's message.
      async warm(walk, token) {
        for (let i = 0; i < 2; i++) {
          assert.equal((await post(walk, token)).status, 201);
        }
      },
      // Timed out: refused with 403 timed_out, and let through once lifted.
      async beforeBan(walk) {
        const { owner, bo, other } = walk;
        const muted = await owner.api.send("PUT", `/timeouts/${bo.id}`, {
          json: { seconds: 600 },
        });
        assert.equal(muted.status, 200);
        const timedOut = await post(walk, other);
        assert.equal(timedOut.status, 403);
        assert.equal(timedOut.body.code, "timed_out");
        const lifted = await owner.api.send("DELETE", `/timeouts/${bo.id}`, {});
        assert.equal(lifted.status, 204);
        assert.equal((await post(walk, other)).status, 201);
      },
    });
  }));

Deno.test("a role change and a new display name judge and sign the next post", () =>
  withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const mod = await signUp(base, uniqueName("mod"));
    const room = await createChannel(owner.api, uniqueName("room"));
    const joined = await mod.api.post(`/channels/${room.id}/join`, {});
    assert.equal(joined.status < 300, true);
    const readOnly = await owner.api.send("PATCH", `/channels/${room.id}`, {
      json: { postPolicy: "moderators" },
    });
    assert.equal(readOnly.status, 200);
    const role = async (to: string) => {
      const set = await owner.api.send("PATCH", `/users/${mod.id}`, {
        json: { role: to },
      });
      assert.equal(set.status, 200);
    };
    await role("moderator");
    // Two posts as a moderator, the second from memory.
    await postMessage(mod.api, room.id, "as a moderator");
    const second = await postMessage(mod.api, room.id, "again");
    assert.equal(second.author.displayName, mod.username);
    await role("member");
    const refused = await mod.api.post(postsOf(room.id), { content: "no" });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "read_only");

    await role("moderator");
    await postMessage(mod.api, room.id, "a moderator again");
    const renamed = await mod.api.send("PATCH", "/me", {
      json: { displayName: "Renamed Mod" },
    });
    assert.equal(renamed.status, 200);
    const signed = await postMessage(mod.api, room.id, "with a new name");
    assert.equal(signed.author.displayName, "Renamed Mod");
  }));

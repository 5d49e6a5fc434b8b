/**
 * A page of history read again at once costs no KV read (the token's
 * standing and membership are kept in memory for a moment), yet on one
 * instance a sign-out, a ban, a leave, a removal, a deleted channel and a new
 * message each take effect on the very next request.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  request,
  signIn,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import { countReads } from "../lib/db/_test_utils.ts";

const pageOf = (channelId: string) =>
  `/channels/${channelId}/messages?limit=50`;

Deno.test("a page read again at once costs no KV read, and a new message shows at once", () =>
  withHearth(async (server) => {
    const alice = await signUp(server.base);
    const channel = await createChannel(alice.api);
    await postMessage(alice.api, channel.id, "hello");
    const path = pageOf(channel.id);
    const first = await request(server.base, "GET", path, {
      token: alice.token,
    });
    assert.equal(first.status, 200);
    const reads = await countReads(server.services.kv, async () => {
      const again = await request(server.base, "GET", path, {
        token: alice.token,
      });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, first.body);
    });
    assert.equal(reads, 0);
    await postMessage(alice.api, channel.id, "again");
    const changed = await request(server.base, "GET", path, {
      token: alice.token,
    });
    assert.deepEqual(
      changed.body.map((m: { content: string }) => m.content),
      ["hello", "again"],
    );
  }));

Deno.test("a sign-out, a ban, a leave, a removal and a deleted channel stop the next page read", () =>
  withHearth(async ({ base }) => {
    const owner = await signUp(base, uniqueName("owner"));
    const bo = await signUp(base, uniqueName("bo"));
    const room = await createChannel(owner.api, uniqueName("room"));
    const path = pageOf(room.id);
    const read = (token: string) => request(base, "GET", path, { token });
    const join = async (token: string) => {
      const joined = await request(base, "POST", `/channels/${room.id}/join`, {
        token,
      });
      assert.equal(joined.status < 300, true, JSON.stringify(joined.body));
    };

    // Sign-out: that token stops, another of the same person does not.
    await join(bo.token);
    const other = await signIn(base, bo.username, bo.password);
    assert.equal((await read(bo.token)).status, 200);
    assert.equal((await read(other)).status, 200);
    const out = await request(base, "POST", "/auth/logout", {
      token: bo.token,
    });
    assert.equal(out.status, 204);
    assert.equal((await read(bo.token)).status, 401);
    assert.equal((await read(other)).status, 200);

    // Leaving.
    const left = await request(base, "POST", `/channels/${room.id}/leave`, {
      token: other,
    });
    assert.equal(left.status, 204);
    const afterLeave = await read(other);
    assert.equal(afterLeave.status, 403);
    assert.equal(afterLeave.body.code, "not_member");

    // Removed by the owner.
    await join(other);
    assert.equal((await read(other)).status, 200);
    const removed = await owner.api.send(
      "DELETE",
      `/channels/${room.id}/members/${bo.id}`,
      {},
    );
    assert.equal(removed.status, 204);
    assert.equal((await read(other)).status, 403);

    // Banned.
    await join(other);
    assert.equal((await read(other)).status, 200);
    const banned = await owner.api.send("PUT", `/bans/${bo.id}`, { json: {} });
    assert.equal(banned.status, 200);
    assert.equal((await read(other)).status, 401);

    // The channel deleted.
    assert.equal((await read(owner.token)).status, 200);
    const deleted = await owner.api.send("DELETE", `/channels/${room.id}`, {});
    assert.equal(deleted.status, 204);
    const gone = await read(owner.token);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, "channel_not_found");
  }));

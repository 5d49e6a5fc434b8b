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
  signUp,
  withHearth,
} from "./helpers/api.ts";
import {
  type StandingWalk,
  walkStandingChanges,
} from "./helpers/standing_changes.ts";
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
    const read = (walk: StandingWalk, token: string) =>
      request(walk.base, "GET", pageOf(walk.roomId), { token });
    const { owner, roomId } = await walkStandingChanges(base, {
      ask: read,
      async warm(walk, token) {
        assert.equal((await read(walk, token)).status, 200);
      },
    });

    // The channel deleted.
    const ownerRead = () =>
      request(base, "GET", pageOf(roomId), { token: owner.token });
    assert.equal((await ownerRead()).status, 200);
    const deleted = await owner.api.send("DELETE", `/channels/${roomId}`, {});
    assert.equal(deleted.status, 204);
    const gone = await ownerRead();
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, "channel_not_found");
  }));

/**
 * What a page of history costs the database: once the page is cached, an
 * authenticated `GET /channels/{id}/messages` reads KV once (the token's
 * standing, the membership and the history stamp together), and answers as
 * before for a non-member, a stranger's token and a page that changed. (The
 * same token again within a moment reads none: tests/history_standing_test.ts.)
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  request,
  signIn,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import { countReads } from "../lib/db/_test_utils.ts";

Deno.test("a cached page of history costs one KV read, and the checks still answer", () =>
  withHearth(async (server) => {
    const alice = await signUp(server.base);
    const bob = await signUp(server.base);
    const channel = await createChannel(alice.api);
    await postMessage(alice.api, channel.id, "hello");
    const path = `/channels/${channel.id}/messages?limit=50`;
    const first = await request(server.base, "GET", path, {
      token: alice.token,
    });
    assert.equal(first.status, 200);
    // Another token of hers: its standing was never read, so it is read now.
    const second = await signIn(server.base, alice.username, alice.password);
    const reads = await countReads(server.services.kv, async () => {
      const again = await request(server.base, "GET", path, {
        token: second,
      });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, first.body);
    });
    assert.equal(reads, 1);
    const stranger = await request(server.base, "GET", path, {
      token: bob.token,
    });
    assert.equal(stranger.status, 403);
    assert.equal(stranger.body.code, "not_member");
    await postMessage(alice.api, channel.id, "again");
    const changed = await request(server.base, "GET", path, {
      token: alice.token,
    });
    assert.equal(changed.body.length, 2);
  }));

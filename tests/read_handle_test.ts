/**
 * On a database file, every request's token and membership read goes through
 * a second KV handle (`readerOf` in lib/db/open.ts), so that it does not wait
 * for the commit in flight. A sign-out, a ban or a leave must still hold on
 * the very next request.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  postMessage,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import { countReads } from "../lib/db/_test_utils.ts";
import { readerOf } from "../lib/db/open.ts";

// Runs `body` against a server on a fresh database file.
async function withFileHearth(
  body: Parameters<typeof withHearth>[0],
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-read-handle-" });
  try {
    await withHearth(body, ["--db", `${dir}/hearth.db`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("on a file, a post's token read goes through the read handle", () =>
  withFileHearth(async (server) => {
    const alice = await signUp(server.base);
    const channel = await createChannel(alice.api);
    await postMessage(alice.api, channel.id, "warm");
    const kv = server.services.kv;
    assert.notEqual(readerOf(kv), kv);
    const reads = await countReads(readerOf(kv), async () => {
      await postMessage(alice.api, channel.id, "hello");
    });
    assert.equal(reads, 1);
  }));

Deno.test("on a file, a leave, a ban and a sign-out hold on the very next post", () =>
  withFileHearth(async (server) => {
    const alice = await signUp(server.base);
    const bob = await signUp(server.base);
    const carol = await signUp(server.base);
    const channel = await createChannel(alice.api);
    const path = `/channels/${channel.id}/messages`;
    for (const who of [bob, carol]) {
      const joined = await who.api.post(`/channels/${channel.id}/join`);
      assert.equal(joined.status, 200);
    }
    for (let i = 0; i < 5; i++) {
      await postMessage(bob.api, channel.id, `bob ${i}`);
      await postMessage(carol.api, channel.id, `carol ${i}`);
    }

    const left = await bob.api.post(`/channels/${channel.id}/leave`);
    assert.equal(left.status, 204);
    const afterLeave = await bob.api.post(path, { content: "still here?" });
    assert.equal(afterLeave.status, 403);
    assert.equal(afterLeave.body.code, "not_member");

    const banned = await request(server.base, "PUT", `/bans/${carol.id}`, {
      token: alice.token,
      json: {},
    });
    assert.equal(banned.status, 200);
    const afterBan = await carol.api.post(path, { content: "still here?" });
    assert.equal(afterBan.status, 401);

    await postMessage(alice.api, channel.id, "before signing out");
    const out = await alice.api.post("/auth/logout");
    assert.equal(out.status, 204);
    const afterLogout = await alice.api.post(path, { content: "still here?" });
    assert.equal(afterLogout.status, 401);
  }));

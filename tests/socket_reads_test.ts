/**
 * What opening a channel socket costs the database: the token's standing and
 * the membership in one KV read (with `?token=` or the cookie) and the
 * counter in one more, and the checks still refuse a stranger, a signed-out
 * token and an unknown channel.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  signUp,
  socketUrl,
  upgradeStatus,
  withHearth,
} from "./helpers/api.ts";
import { readsDuring } from "../lib/db/_test_utils.ts";
import { readerOf } from "../lib/db/open.ts";

// The reads a connect's checks and `ready` make (the members' records for
// `ready`'s list are shared by the channel's sockets, and not counted).
function checkReads(reads: string[][]): string[][] {
  return reads.filter((keys) =>
    keys.some((root) =>
      ["revoked_tokens", "members", "channel_seq"].includes(root)
    )
  );
}

Deno.test("a socket's token, membership and counter take two KV reads, with ?token= or the cookie", () =>
  withHearth(async (server) => {
    const ada = await signUp(server.base);
    const bo = await signUp(server.base);
    const room = await createChannel(ada.api);
    const { kv } = server.services;
    const standingAndMembership = [
      "revoked_tokens",
      "users",
      "channels",
      "members",
      "channel_seq",
    ];
    const viaQuery = await readsDuring(kv, async () => {
      const socket = await FrameSocket.open(server.base, room.id, ada.token);
      await socket.next("ready");
      socket.close();
      await socket.closed;
    });
    assert.deepEqual(checkReads(viaQuery), [
      standingAndMembership,
      ["channel_seq"],
    ]);
    const viaCookie = await readsDuring(kv, async () => {
      const status = await upgradeStatus(socketUrl(server.base, room.id), {
        cookie: `hearth_token=${ada.token}`,
      });
      assert.equal(status, 101);
    });
    assert.deepEqual(checkReads(viaCookie), [
      standingAndMembership,
      ["channel_seq"],
    ]);
    assert.equal(
      await upgradeStatus(socketUrl(server.base, room.id, bo.token)),
      403,
    );
    assert.equal(
      await upgradeStatus(
        socketUrl(server.base, crypto.randomUUID(), ada.token),
      ),
      404,
    );
    await ada.api.post("/auth/logout");
    assert.equal(
      await upgradeStatus(socketUrl(server.base, room.id, ada.token)),
      401,
    );
  }));

// In a storm of connects thousands of token reads queue on the database's
// handle; `ready` waits for the counter, so it is read through the second
// handle, which only the roster's member lists share.
Deno.test("on a database file, a socket's counter is read through the second handle, not behind the crowd's checks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-socket-reads-" });
  try {
    await withHearth(async (server) => {
      const ada = await signUp(server.base);
      const room = await createChannel(ada.api);
      const { kv } = server.services;
      const reader = readerOf(kv);
      assert.notEqual(reader, kv);
      let onReader: string[][] = [];
      const onKv = await readsDuring(kv, async () => {
        onReader = await readsDuring(reader, async () => {
          const socket = await FrameSocket.open(
            server.base,
            room.id,
            ada.token,
          );
          await socket.next("ready");
          socket.close();
          await socket.closed;
        });
      });
      assert.deepEqual(checkReads(onReader), [["channel_seq"]]);
      assert.deepEqual(checkReads(onKv), [[
        "revoked_tokens",
        "users",
        "channels",
        "members",
        "channel_seq",
      ]]);
    }, ["--db", `${dir}/hearth.db`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The KV relay between instances with no BroadcastChannel between them: two
 * Hearth instances, each in its own worker with its own KV handle on one
 * database file, relay only through KV watches. Every message posted on
 * either reaches every socket on both once and in order, edits, deletions,
 * reactions, typing, joins and channel changes too, and a sign-out or a ban on one closes the
 * sockets on the other within a second.
 */
import assert from "node:assert/strict";
import { Api, FrameSocket, signIn, signUp, uniqueName } from "./helpers/api.ts";
import { waitFor, withDeadline } from "./helpers/deadline.ts";
import { postFromBothSides, roomOnTwoServers } from "./helpers/two_servers.ts";
import { type Instance, withInstances } from "./helpers/instances.ts";
import type { ServerFrame } from "../lib/shared/wire.ts";
import { range } from "../lib/db/_test_utils.ts";

// Every (seq, rev) of the message_update frames a socket got, in arrival order.
const updates = (socket: FrameSocket) =>
  socket.frames.flatMap((f: ServerFrame) =>
    f.type === "message_update" ? [`${f.message.seq}@${f.message.rev}`] : []
  );

Deno.test("KV relay: two instances on one database, no BroadcastChannel, deliver everything once and in order", async () => {
  await withInstances(2, relayBetween, "kv");
});

Deno.test("KV and BroadcastChannel relays both on: still everything once and in order", async () => {
  await withInstances(2, relayBetween, "both");
});

async function relayBetween([a, b]: Instance[]): Promise<void> {
  {
    const two = await roomOnTwoServers(a.base, b.base);
    const { owner, bo, room, ownerOnB, boOnB, sockets } = two;
    const [ownerA, boA, ownerB] = sockets;
    // Only b posts first: a's sockets hear of it through KV alone (no local
    // post there could make a session fetch from the store).
    await postFromBothSides(two, 30, 100, 20_000);

    // Changes made on b reach a's sockets, each once; one made on a reaches b's.
    const edited = await boOnB.send(
      "PATCH",
      `/channels/${room.id}/messages/1`,
      {
        json: { content: "edited on b" },
      },
    );
    assert.equal(edited.status, 200);
    const heart = encodeURIComponent("❤️");
    assert.equal(
      (await ownerOnB.send(
        "PUT",
        `/channels/${room.id}/messages/2/reactions/${heart}`,
        {},
      )).status,
      204,
    );
    assert.equal(
      (await bo.api.send("DELETE", `/channels/${room.id}/messages/3`, {}))
        .status,
      204,
    );
    const lastUpdate = (s: FrameSocket, seq: number) =>
      s.frames.findLast((f) =>
        f.type === "message_update" && f.message.seq === seq
      ) as Extract<ServerFrame, { type: "message_update" }>;
    for (const socket of sockets) {
      await waitFor(() => [1, 2, 3].every((seq) => lastUpdate(socket, seq)), {
        what: "the updates of messages 1, 2 and 3",
      });
    }
    assert.equal(lastUpdate(ownerA, 1).message.content, "edited on b");
    assert.equal(lastUpdate(ownerA, 2).message.reactions[0]?.count, 1);
    assert.equal(lastUpdate(ownerB, 3).message.deleted, true);

    // Typing on a reaches b; a join on b reaches a.
    boA.send({ type: "typing" });
    await ownerB.next("typing", (f) => f.userId === bo.id);
    const cy = await signUp(b.base, uniqueName("cy"));
    assert.equal(
      (await new Api(b.base, cy.token).post(`/channels/${room.id}/join`))
        .status,
      200,
    );
    await ownerA.next("member", (f) => f.userId === cy.id && f.joined);
    // A new topic set on b reaches a.
    const topic = await ownerOnB.send("PATCH", `/channels/${room.id}`, {
      json: { topic: "set on b" },
    });
    assert.equal(topic.status, 200);
    await ownerA.next("channel_updated", (f) => f.channel.topic === "set on b");

    // Nothing arrived twice meanwhile, on any socket.
    for (const socket of sockets) {
      assert.deepEqual(socket.seqs(), range(1, 230));
      const seen = updates(socket);
      assert.equal(new Set(seen).size, seen.length, `repeated: ${seen}`);
    }

    // A sign-out on a closes that token's socket on b within a second.
    const second = await signIn(a.base, bo.username, bo.password);
    const secondOnB = await FrameSocket.open(b.base, room.id, second);
    await secondOnB.next("ready");
    assert.equal(
      (await new Api(a.base, second).send("POST", "/auth/logout", {})).status,
      204,
    );
    assert.equal((await secondOnB.closedWithin(1000)).code, 1008);

    // A ban made on a closes the banned person's socket on b within a second.
    const banned = await owner.api.send("PUT", `/bans/${bo.id}`, { json: {} });
    assert.equal(banned.status, 200);
    const closed = await withDeadline(
      sockets[3].closed,
      1000,
      "bo's socket on b closing after the ban on a",
    );
    assert.equal(closed.code, 1008);
    await Promise.all([ownerA.close(), ownerB.close()]);
  }
}

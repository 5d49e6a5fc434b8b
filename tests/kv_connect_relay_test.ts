/**
 * The KV relay between separate processes: two `hearth` processes on one KV
 * Connect database (`--db http://127.0.0.1:P`, `DENO_KV_ACCESS_TOKEN`,
 * `--relay kv`) deliver every message posted on either to the sockets of
 * both, once and in order; edits, deletions, typing and presence travel; a
 * sign-out or a ban on one closes the sockets on the other within seconds.
 * With `--relay off` the other process hears nothing.
 */
import assert from "node:assert/strict";
import {
  Api,
  createChannel,
  FrameSocket,
  postMessage,
  signIn,
  signUp,
  uniqueName,
} from "./helpers/api.ts";
import { waitFor, withDeadline } from "./helpers/deadline.ts";
import { postFromBothSides, roomOnTwoServers } from "./helpers/two_servers.ts";
import { withKvConnectHearths } from "./helpers/kv_connect_hearths.ts";
import type { ServerFrame } from "../lib/shared/wire.ts";
import { range } from "../lib/db/_test_utils.ts";

/** How long news from the other process may take (watch, read, fan-out) on a busy machine. */
const ACROSS_MS = 5000;

const updateOf = (socket: FrameSocket, seq: number) =>
  socket.frames.findLast((f) =>
    f.type === "message_update" && f.message.seq === seq
  ) as Extract<ServerFrame, { type: "message_update" }> | undefined;

Deno.test("KV Connect: two hearth processes with --relay kv deliver everything to both, once and in order", async () => {
  await withKvConnectHearths(2, "kv", async ([a, b]) => {
    const two = await roomOnTwoServers(a.base, b.base);
    const { owner, bo, room, boOnB, sockets } = two;
    const [ownerA, boA, ownerB, boB] = sockets;
    await postFromBothSides(two, 10, 20, 30_000);

    // An edit on b and a deletion on a reach the sockets of both.
    const edited = await boOnB.send(
      "PATCH",
      `/channels/${room.id}/messages/1`,
      { json: { content: "edited on b" } },
    );
    assert.equal(edited.status, 200);
    const deleted = await bo.api.send(
      "DELETE",
      `/channels/${room.id}/messages/2`,
      {},
    );
    assert.equal(deleted.status, 204);
    for (const socket of sockets) {
      await waitFor(() => updateOf(socket, 1) && updateOf(socket, 2), {
        what: "the updates of messages 1 and 2",
        timeoutMs: ACROSS_MS,
      });
      assert.equal(updateOf(socket, 1)!.message.content, "edited on b");
      assert.equal(updateOf(socket, 2)!.message.deleted, true);
    }

    // Typing on a reaches b; typing on b reaches a.
    boA.send({ type: "typing" });
    await ownerB.next("typing", (f) => f.userId === bo.id, ACROSS_MS);
    ownerB.send({ type: "typing" });
    await boA.next("typing", (f) => f.userId === owner.id, ACROSS_MS);

    // Cy joins and opens a socket on b only: a's sockets see the join and
    // Cy coming online.
    const cy = await signUp(b.base, uniqueName("cy"));
    assert.equal(
      (await new Api(b.base, cy.token).post(`/channels/${room.id}/join`))
        .status,
      200,
    );
    await ownerA.next(
      "member",
      (f) => f.userId === cy.id && f.joined,
      ACROSS_MS,
    );
    const cyOnB = await FrameSocket.open(b.base, room.id, cy.token);
    await cyOnB.next("ready");
    await ownerA.next(
      "presence",
      (f) => f.changes.some((c) => c.userId === cy.id && c.online),
      ACROSS_MS,
    );

    // Nothing arrived twice meanwhile.
    for (const socket of sockets) {
      assert.deepEqual(socket.seqs(), range(1, 50));
    }

    // A sign-out on a closes that token's socket on b.
    const second = await signIn(a.base, bo.username, bo.password);
    const secondOnB = await FrameSocket.open(b.base, room.id, second);
    await secondOnB.next("ready");
    assert.equal(
      (await new Api(a.base, second).send("POST", "/auth/logout", {})).status,
      204,
    );
    assert.equal((await secondOnB.closedWithin(ACROSS_MS)).code, 1008);

    // A ban made on a closes the banned person's socket on b.
    const banned = await owner.api.send("PUT", `/bans/${bo.id}`, { json: {} });
    assert.equal(banned.status, 200);
    const closed = await withDeadline(
      boB.closed,
      ACROSS_MS,
      "bo's socket on b closing after the ban on a",
    );
    assert.equal(closed.code, 1008);
    await Promise.all([ownerA.close(), ownerB.close(), cyOnB.close()]);
  });
});

Deno.test("KV Connect: with --relay off the other process hears nothing (the relay is what delivers)", async () => {
  await withKvConnectHearths(2, "off", async ([a, b]) => {
    const owner = await signUp(a.base, uniqueName("owner"));
    const room = await createChannel(owner.api, uniqueName("room"));
    const onA = await FrameSocket.open(a.base, room.id, owner.token);
    const onB = await FrameSocket.open(b.base, room.id, owner.token);
    await Promise.all([onA.next("ready"), onB.next("ready")]);
    await postMessage(new Api(b.base, owner.token), room.id, "only on b");
    await onB.message(1);
    // Both read one database: a serves the message over HTTP, but its socket
    // is never told.
    const page = await owner.api.get(`/channels/${room.id}/messages`);
    assert.equal(page.status, 200);
    assert.match(JSON.stringify(page.body), /only on b/);
    await new Promise((r) => setTimeout(r, ACROSS_MS));
    assert.deepEqual(onA.seqs(), []);
    await Promise.all([onA.close(), onB.close()]);
  });
});

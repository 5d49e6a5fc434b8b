/**
 * Bans, timeouts and slow mode across instances: two Hearth instances, each
 * in its own worker, share one KV file and one relay. A ban made on one
 * closes the banned person's sockets on both within a second; a timeout made
 * on one refuses a post on the other's socket within a second; slow mode
 * counts a member's posts on both.
 */
import assert from "node:assert/strict";
import {
  type Api,
  createChannel,
  FrameSocket,
  signIn,
  signUp,
  uniqueName,
} from "./helpers/api.ts";
import { withDeadline } from "./helpers/deadline.ts";
import { withInstances } from "./helpers/instances.ts";
import { Api as ApiClient } from "./helpers/api.ts";

Deno.test("Across two instances sharing the relay: a ban closes sockets on both, a timeout refuses the other's socket, slow mode holds, each within a second", async () => {
  await withInstances(2, async ([a, b]) => {
    const owner = await signUp(a.base, uniqueName("owner"));
    const bo = await signUp(a.base, uniqueName("bo"));
    const cy = await signUp(a.base, uniqueName("cy"));
    const room = await createChannel(owner.api, uniqueName("room"));
    for (const person of [bo, cy]) {
      assert.equal(
        (await person.api.post(`/channels/${room.id}/join`)).status,
        200,
      );
    }
    // The same tokens work on b: one database, one signing secret.
    const cyOnB = new ApiClient(b.base, cy.token);

    // Timeout via a; a post on b's socket is refused at once.
    const cySocket = await FrameSocket.open(b.base, room.id, cy.token);
    await cySocket.next("ready");
    const timedOut = await owner.api.send("PUT", `/timeouts/${cy.id}`, {
      json: { seconds: 60 },
    });
    assert.equal(timedOut.status, 200, JSON.stringify(timedOut.body));
    const sentAt = performance.now();
    cySocket.send({ type: "message", content: "hi", clientId: "t-1" });
    const refusal = await cySocket.next("error", () => true, 1000);
    assert.ok(performance.now() - sentAt < 1000);
    assert.equal(refusal.code, "timed_out");
    assert.equal(refusal.clientId, "t-1");
    assert.equal(refusal.until, timedOut.body.until);
    await owner.api.send("DELETE", `/timeouts/${cy.id}`, {});

    // Slow mode set on a: a post on a, then one on b inside the window.
    const slow = await owner.api.send("PATCH", `/channels/${room.id}`, {
      json: { slowModeSeconds: 30 },
    });
    assert.equal(slow.status, 200);
    assert.equal(await status(cy.api, room.id), 201);
    assert.equal(await status(cyOnB, room.id), 429);
    await cySocket.close();

    // A ban via b: bo's sockets on a and on b both close with 1008.
    const second = await signIn(b.base, bo.username, bo.password);
    const onA = await FrameSocket.open(a.base, room.id, bo.token);
    const onB = await FrameSocket.open(b.base, room.id, second);
    await Promise.all([onA.next("ready"), onB.next("ready")]);
    const ownerOnB = new ApiClient(b.base, owner.token);
    const banned = await ownerOnB.send("PUT", `/bans/${bo.id}`, { json: {} });
    assert.equal(banned.status, 200);
    const [closedA, closedB] = await withDeadline(
      Promise.all([onA.closed, onB.closed]),
      1000,
      "both of the banned person's sockets closing",
    );
    assert.equal(closedA.code, 1008);
    assert.equal(closedB.code, 1008);
  });
});

async function status(api: Api, channelId: string): Promise<number> {
  const res = await api.post(`/channels/${channelId}/messages`, {
    content: "one of many",
  });
  return res.status;
}

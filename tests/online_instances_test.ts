/**
 * Online is the union over instances: two Hearth instances, each in its own
 * worker on one database file, relaying through KV only. A user with a socket
 * on one instance is online in the other's `ready`, member pages and presence
 * frames; a user on both counts once and goes offline when both close; an
 * instance killed without a goodbye stops counting within the lease; a
 * reconnect on the other instance within the grace shows no offline; and
 * with the relay off each instance knows only its own sockets, as before.
 */
import assert from "node:assert/strict";
import {
  Api,
  createChannel,
  delay,
  FrameSocket,
  signUp,
  uniqueName,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";
import { type Instance, withInstances } from "./helpers/instances.ts";
import type { ServerFrame } from "../lib/shared/wire.ts";
import { PEER_SETTLE_MS } from "../lib/realtime/online_peers.ts";

// Short, so a killed instance's users go in seconds; beats every second.
const LEASE_MS = 3000;

/** Whether a socket got a `presence` frame saying `userId` is now `online`. */
function heard(socket: FrameSocket, userId: string, online: boolean): boolean {
  return socket.frames.some((f: ServerFrame) =>
    f.type === "presence" &&
    f.changes.some((c) => c.userId === userId && c.online === online)
  );
}

/** Who `api` sees online in the channel, by `GET .../members?online=true`. */
async function onlineIn(api: Api, channelId: string) {
  const res = await api.get(`/channels/${channelId}/members?online=true`);
  assert.equal(res.status, 200);
  return {
    ids: (res.body.members as { id: string }[]).map((m) => m.id).sort(),
    count: res.body.onlineCount as number,
  };
}

// An owner watching from instance b, and Bo, a member, in one room.
async function setUp([a, b]: Instance[]) {
  const owner = await signUp(a.base, uniqueName("owner"));
  const bo = await signUp(a.base, uniqueName("bo"));
  const room = await createChannel(owner.api, uniqueName("room"));
  assert.equal((await bo.api.post(`/channels/${room.id}/join`)).status, 200);
  const ownerOnB = new Api(b.base, owner.token);
  const watcher = await FrameSocket.open(b.base, room.id, owner.token);
  await watcher.next("ready");
  return { owner, bo, room, ownerOnB, watcher };
}

Deno.test("Online across instances (KV relay): a user on a only is online on b; on both counts once; offline when both close", async () => {
  await withInstances(2, onBothInstances, "kv");
});

Deno.test("Online across instances (KV and BroadcastChannel relays): the same, each batch heard once", async () => {
  await withInstances(2, onBothInstances, "both");
});

Deno.test("Online across instances (BroadcastChannel relay alone): the same", async () => {
  await withInstances(2, onBothInstances, "broadcast");
});

async function onBothInstances([a, b]: Instance[]): Promise<void> {
  {
    const { owner, bo, room, ownerOnB, watcher } = await setUp([a, b]);
    const boOnA = await FrameSocket.open(a.base, room.id, bo.token);
    await boOnA.next("ready");

    await waitFor(() => heard(watcher, bo.id, true), {
      what: "b's socket hearing Bo come online on a",
    });
    const seen = await onlineIn(ownerOnB, room.id);
    assert.deepEqual(seen.ids, [owner.id, bo.id].sort());
    assert.equal(seen.count, 2);
    // A socket opened on b now lists Bo among the online in its `ready`.
    const second = await FrameSocket.open(b.base, room.id, owner.token);
    const ready = await second.next("ready");
    assert.equal(ready.onlineCount, 2);
    assert.ok(ready.members.some((m) => m.id === bo.id && m.online));
    await second.close();

    // On both instances: still one user online, not two.
    const boOnB = await FrameSocket.open(b.base, room.id, bo.token);
    await boOnB.next("ready");
    assert.equal((await onlineIn(ownerOnB, room.id)).count, 2);
    assert.equal((await onlineIn(owner.api, room.id)).count, 2);
    await boOnA.close();
    // Past a's batch and b's settle: Bo still has b's socket.
    await delay(PEER_SETTLE_MS + 1000);
    assert.equal(heard(watcher, bo.id, false), false);
    assert.deepEqual((await onlineIn(ownerOnB, room.id)).ids.length, 2);
    assert.deepEqual((await onlineIn(owner.api, room.id)).ids.length, 2);

    await boOnB.close();
    await waitFor(() => heard(watcher, bo.id, false), {
      what: "b's socket hearing Bo go offline once both sockets closed",
    });
    await waitFor(
      async () => (await onlineIn(owner.api, room.id)).count === 1,
      {
        what: "a counting Bo offline",
      },
    );
    await watcher.close();
  }
}

Deno.test("Online across instances: a killed instance's users go offline within the lease", async () => {
  await withInstances(
    2,
    async ([a, b]) => {
      const { bo, room, ownerOnB, watcher } = await setUp([a, b]);
      const boOnA = await FrameSocket.open(a.base, room.id, bo.token);
      await boOnA.next("ready");
      await waitFor(() => heard(watcher, bo.id, true), {
        what: "b's socket hearing Bo come online on a",
      });
      // A record written since: the beat b last saw is a's latest.
      await delay(LEASE_MS / 3 + 200);
      const killed = performance.now();
      a.kill();
      // The documented bound: the lease, two beats (b notices a's last beat
      // at its next read, and drops a at its first read past the lease), the settle.
      const bound = LEASE_MS + 2 * LEASE_MS / 3 + PEER_SETTLE_MS;
      await waitFor(() => heard(watcher, bo.id, false), {
        what: "b hearing Bo offline after a died",
        timeoutMs: bound + 2000,
      });
      const took = performance.now() - killed;
      assert.ok(took < bound + 1000, `${took} ms, bound ${bound} ms`);
      const seen = await onlineIn(ownerOnB, room.id);
      assert.equal(seen.ids.includes(bo.id), false);
      assert.equal(seen.count, 1);
      await watcher.close();
    },
    "kv",
    { onlineLeaseMs: LEASE_MS },
  );
});

Deno.test("Online across instances: closing on a and reopening on b within the grace shows no offline anywhere", async () => {
  const graceMs = 2000;
  await withInstances(
    2,
    async ([a, b]) => {
      const { bo, room, owner, watcher } = await setUp([a, b]);
      const watcherOnA = await FrameSocket.open(a.base, room.id, owner.token);
      await watcherOnA.next("ready");
      const boOnA = await FrameSocket.open(a.base, room.id, bo.token);
      await boOnA.next("ready");
      await waitFor(() => heard(watcher, bo.id, true), {
        what: "b's socket hearing Bo come online on a",
      });
      await boOnA.close();
      await delay(300);
      const boOnB = await FrameSocket.open(b.base, room.id, bo.token);
      await boOnB.next("ready");
      // Past a's grace, its batch and every settle.
      await delay(graceMs + PEER_SETTLE_MS + 1500);
      assert.equal(heard(watcher, bo.id, false), false);
      assert.equal(heard(watcherOnA, bo.id, false), false);
      assert.ok((await onlineIn(owner.api, room.id)).ids.includes(bo.id));

      await boOnB.close();
      await waitFor(() => heard(watcherOnA, bo.id, false), {
        what: "a's socket hearing Bo offline after the grace",
        timeoutMs: graceMs + PEER_SETTLE_MS + 10_000,
      });
      await Promise.all([watcher.close(), watcherOnA.close()]);
    },
    "kv",
    { offlineGraceMs: graceMs },
  );
});

Deno.test("Online with the relay off: each instance counts only its own sockets, as alone", async () => {
  await withInstances(2, async ([a, b]) => {
    const { owner, bo, room, ownerOnB, watcher } = await setUp([a, b]);
    const boOnA = await FrameSocket.open(a.base, room.id, bo.token);
    await boOnA.next("ready");
    // a sees Bo (and not the owner, whose socket is on b) at once.
    assert.deepEqual((await onlineIn(owner.api, room.id)).ids, [bo.id]);
    const mine = await FrameSocket.open(a.base, room.id, owner.token);
    const ready = await mine.next("ready");
    assert.equal(ready.onlineCount, 2);
    // b never hears of Bo.
    await delay(1000);
    assert.equal(heard(watcher, bo.id, true), false);
    assert.deepEqual((await onlineIn(ownerOnB, room.id)).ids, [owner.id]);
    await boOnA.close();
    await waitFor(() => heard(mine, bo.id, false), {
      what: "a's socket hearing Bo offline",
    });
    await Promise.all([mine.close(), watcher.close()]);
  }, "off");
});

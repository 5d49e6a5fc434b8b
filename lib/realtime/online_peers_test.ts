import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { OnlineRecordReader } from "../db/online_records.ts";
import { Hub } from "./hub.ts";
import { OnlinePeers } from "./online_peers.ts";
import { Presence } from "./presence.ts";

interface Side {
  hub: Hub;
  presence: Presence;
  peers: OnlinePeers;
}

// Short windows, so a test takes a second or two.
const LEASE_MS = 900;

function side(
  hubOpts: ConstructorParameters<typeof Hub>[0],
  kv?: Deno.Kv,
  leaseMs = LEASE_MS,
) {
  const hub = new Hub(hubOpts);
  const presence = new Presence({ settleMs: 100 });
  const peers = new OnlinePeers(hub, presence, {
    kv,
    windowMs: 20,
    leaseMs,
  });
  return { hub, presence, peers };
}

async function stop({ hub, presence, peers }: Side) {
  presence.close();
  await peers.close();
  await hub.relaySettled();
  hub.close();
}

// Two instances on two handles of one file, relaying through KV only.
async function withKvPair(
  body: (a: Side, b: Side, kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const [kvA, kvB] = [await Deno.openKv(path), await Deno.openKv(path)];
  const a = side({ kvRelay: kvA }, kvA);
  const b = side({ kvRelay: kvB }, kvB);
  try {
    await body(a, b, kvA);
  } finally {
    await stop(a);
    await stop(b);
    kvA.close();
    kvB.close();
    await Deno.remove(path);
  }
}

Deno.test("OnlinePeers over KV: a user online on a is online on b, once however many instances have them", async () => {
  await withKvPair(async (a, b) => {
    const heard: string[] = [];
    b.presence.onChange((u, on) => heard.push(`${u}:${on}`));
    a.presence.connect("u1");
    await waitFor(() => b.presence.isOnline("u1"), { what: "u1 online on b" });
    assert.equal(b.presence.isLocal("u1"), false);
    b.presence.connect("u1");
    a.presence.disconnect("u1");
    // Long past a's batch and b's settle: b's own socket keeps them.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(b.presence.isOnline("u1"), true);
    await waitFor(
      () => !a.presence.isLocal("u1") && a.presence.isOnline("u1"),
      {
        what: "a counting u1 through b",
      },
    );
    b.presence.disconnect("u1");
    await waitFor(() => !a.presence.isOnline("u1"), {
      what: "u1 offline on a",
    });
    assert.deepEqual(heard, ["u1:true", "u1:false"]);
  });
});

Deno.test("OnlinePeers over KV: a record lists each instance's users; one that falls silent counts no more within the lease", async () => {
  await withKvPair(async (a, b, kv) => {
    a.presence.connect("u1");
    await waitFor(async () => {
      const records = await new OnlineRecordReader(kv).read();
      return records.get(a.peers.id)?.users.includes("u1");
    }, { what: "a's record listing u1" });
    await waitFor(() => b.presence.isOnline("u1"), { what: "u1 on b" });
    // a falls silent without a goodbye: its hub is gone before it closes.
    a.hub.close();
    const silent = performance.now();
    await a.peers.close();
    // a's record is gone too, but b goes by a's beat: it stopped moving.
    await waitFor(() => !b.presence.isOnline("u1"), {
      what: "b dropping silent a's user",
      timeoutMs: 5000,
    });
    const took = performance.now() - silent;
    assert.ok(took < LEASE_MS + LEASE_MS / 3 + 100 + 500, `${took} ms`);
    assert.equal(b.peers.peerCount, 0);
  });
});

Deno.test("OnlinePeers over BroadcastChannel: a newcomer learns the others' users at once, and a goodbye drops them", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const a = side({ relay });
  a.presence.connect("u1");
  a.presence.connect("u2");
  const b = side({ relay });
  try {
    await waitFor(
      () => b.presence.isOnline("u1") && b.presence.isOnline("u2"),
      { what: "b learning a's users" },
    );
    assert.equal(b.peers.peerCount, 1);
    await stop(a);
    await waitFor(() => !b.presence.isOnline("u1"), {
      what: "b dropping a's users on its goodbye",
      timeoutMs: 500,
    });
  } finally {
    await stop(a);
    await stop(b);
  }
});

Deno.test("OnlinePeers over KV: a newcomer learns the users already online elsewhere within seconds (its hello has their records written)", async () => {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const [kvA, kvB] = [await Deno.openKv(path), await Deno.openKv(path)];
  // The default lease: records of users only every minute unless asked.
  const a = side({ kvRelay: kvA }, kvA, 15_000);
  let b: Side | undefined;
  try {
    await a.peers.beaten();
    a.presence.connect("u1");
    // a's batch is out before b starts: b never hears it.
    await new Promise((r) => setTimeout(r, 200));
    await a.hub.relaySettled();
    b = side({ kvRelay: kvB }, kvB, 15_000);
    await waitFor(() => b!.presence.isOnline("u1"), {
      what: "b learning u1 from a's records",
      timeoutMs: 4000,
    });
  } finally {
    await stop(a);
    if (b) await stop(b);
    kvA.close();
    kvB.close();
    await Deno.remove(path);
  }
});

Deno.test("OnlinePeers over KV: a batch lost on the way is repaired within seconds (the gap asks for the records)", async () => {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const [kvA, kvB] = [await Deno.openKv(path), await Deno.openKv(path)];
  // a's second batch never leaves: its relay write "failed".
  const hubA = new Hub({ kvRelay: kvA });
  let batches = 0;
  const lossy = new Proxy(hubA, {
    get(target, name) {
      if (name !== "announce") {
        const value = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (message: Parameters<Hub["announce"]>[0]) => {
        if (message.type === "online" && message.on && ++batches === 2) return;
        target.announce(message);
      };
    },
  });
  // Beats of a second: the users' own write every 12 beats is 12 s away.
  const presenceA = new Presence({ settleMs: 100 });
  const a: Side = {
    hub: hubA,
    presence: presenceA,
    peers: new OnlinePeers(lossy, presenceA, {
      kv: kvA,
      windowMs: 20,
      leaseMs: 3000,
    }),
  };
  const b = side({ kvRelay: kvB }, kvB, 3000);
  try {
    // Past both newcomers' early reads: only a gap can bring the records now.
    await new Promise((r) => setTimeout(r, 1500));
    for (const userId of ["u0", "u1", "u2"]) {
      a.presence.connect(userId);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => b.presence.isOnline("u2"), { what: "u2 on b" });
    assert.equal(b.presence.isOnline("u1"), false, "the lost batch's user");
    await waitFor(() => b.presence.isOnline("u1"), {
      what: "u1 on b, from the records",
      timeoutMs: 4000,
    });
  } finally {
    await stop(a);
    await stop(b);
    kvA.close();
    kvB.close();
    await Deno.remove(path);
  }
});
